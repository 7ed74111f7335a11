"""The projector scales with the screen it is on, from 1280×720 through 1920×1080 to 4K: the gaps
between words grow with the words, the join address stays on one line, the QR code and the text
under it grow, choice bars fill the stage, and the stakeholder groups are compared on the screen
itself, not in a collapsed table. Screenshots at 4K go to test-results/screenshots/."""

import pytest

from workshops.models import Discipline, Poll, Workshop
from workshops.polls.services import poll_answer

pytestmark = pytest.mark.browser

LIVE_WORKSHOP = "Early years transition case reviews"
SIZES = [(1280, 720), (1920, 1080), (3840, 2160)]


@pytest.fixture
def workshop(demo):
    return Workshop.objects.get(organisation=demo, title=LIVE_WORKSHOP)


def projector_at(visit, poll, width, height):
    screen = visit("desktop").sign_in("lead@demo.test")
    screen.page.set_viewport_size({"width": width, "height": height})
    screen.page.goto(f"/polls/{poll.pk}/present/")
    return screen


# Neighbouring words on one line of the cloud share a centre line (align-items: center); the gap
# between two neighbours is measured against the smaller of the two.
WORDS_MEASURED = """() => {
  const view = {w: window.innerWidth, h: window.innerHeight};
  const inside = (r, box) => r.left >= box.left - 1 && r.top >= box.top - 1
    && r.right <= box.right + 1 && r.bottom <= box.bottom + 1;
  const words = [...document.querySelectorAll('.word-cloud__word')].filter(w => !w.hidden)
    .map(w => w.getBoundingClientRect());
  const centre = r => (r.top + r.bottom) / 2;
  const lines = [];
  words.forEach(r => {
    const line = lines.find(l => Math.abs(centre(l[0]) - centre(r)) < 2);
    if (line) { line.push(r); } else { lines.push([r]); }
  });
  const ratios = [];
  lines.forEach(line => {
    line.sort((a, b) => a.left - b.left);
    for (let i = 1; i < line.length; i++) {
      ratios.push((line[i].left - line[i - 1].right) / Math.min(line[i].height, line[i - 1].height));
    }
  });
  const url = document.querySelector('.projector-join__url');
  const panel = document.querySelector('.projector-join').getBoundingClientRect();
  const urlStyle = getComputedStyle(url);
  const scan = document.querySelector('.projector-qr-url');
  return {
    words: words.length,
    pairs: ratios.length,
    smallestGapRatio: Math.min(...ratios),
    urlHeight: url.getBoundingClientRect().height,
    urlLineHeight: parseFloat(urlStyle.lineHeight),
    urlPx: parseFloat(urlStyle.fontSize),
    urlInside: inside(url.getBoundingClientRect(), panel) && url.scrollWidth <= url.clientWidth + 1,
    qrWidth: document.querySelector('.projector-qr svg').getBoundingClientRect().width,
    qrInside: inside(document.querySelector('.projector-qr svg').getBoundingClientRect(), panel),
    scanPx: parseFloat(getComputedStyle(scan).fontSize),
    scanInside: inside(scan.getBoundingClientRect(), panel),
    scrolls: document.documentElement.scrollHeight > view.h + 1 || document.documentElement.scrollWidth > view.w + 1,
    panelInside: inside(panel, {left: 0, top: 0, right: view.w, bottom: view.h}),
  };
}"""


def test_the_word_cloud_and_the_join_panel_grow_with_the_screen(visit, workshop):
    """The demo's words poll: several answers of two words or more ("feeling safe", "listened to",
    "right support at the right time"), given by seven stakeholder groups."""
    words = Poll.objects.get(workshop=workshop, kind="words")
    measured = {}
    for width, height in SIZES:
        projector = projector_at(visit, words, width, height)
        page = projector.page
        page.wait_for_function(
            "() => document.querySelector('.word-cloud').style.getPropertyValue('--cloud-unit') !== ''"
        )
        page.wait_for_function("() => document.fonts.status === 'loaded'")
        m = measured[width] = page.evaluate(WORDS_MEASURED)
        assert m["words"] >= 10 and m["pairs"] >= 5, m
        # A gap a quarter of the word's height or more: "feeling safe" and "friends" never read as one.
        assert m["smallestGapRatio"] >= 0.25, (width, m)
        # The address is one line (not two lines' height), inside the panel and readable.
        assert m["urlHeight"] <= 1.4 * m["urlLineHeight"] and m["urlInside"], (width, m)
        assert m["urlPx"] >= 0.022 * height, (width, m)
        assert m["qrInside"] and m["scanInside"] and m["panelInside"], (width, m)
        assert not m["scrolls"], (width, m)
        projector.check("projector-words-4k" if width == 3840 else None)
        projector.close()
    assert measured[3840]["qrWidth"] >= 2 * measured[1280]["qrWidth"], measured
    assert measured[1920]["qrWidth"] > measured[1280]["qrWidth"], measured
    assert measured[3840]["scanPx"] >= 2 * measured[1280]["scanPx"], measured
    assert measured[3840]["urlPx"] >= 2 * measured[1280]["urlPx"], measured


BARS_MEASURED = """() => {
  const view = {w: window.innerWidth, h: window.innerHeight};
  const bars = document.querySelector('.result-bars').getBoundingClientRect();
  const labels = [...document.querySelectorAll('.result-bar:not(.result-bar--head) .result-bar__label')];
  const compare = document.querySelector('[data-testid=group-compare]');
  const visible = e => !!e && e.checkVisibility() && e.getBoundingClientRect().height > 0;
  return {
    barsShare: bars.height / view.h,
    barsInside: bars.top >= -1 && bars.bottom <= view.h + 1 && bars.right <= view.w + 1,
    labelShare: Math.min(...labels.map(l => parseFloat(getComputedStyle(l).fontSize))) / view.h,
    compareShown: visible(compare),
    compareText: compare ? compare.innerText : '',
    groupLabelShare: compare ? Math.min(...[...compare.querySelectorAll('[data-group-label]')]
      .map(l => parseFloat(getComputedStyle(l).fontSize))) / view.h : 0,
    compareInside: !!compare && compare.getBoundingClientRect().bottom <= view.h + 1,
    scrolls: document.documentElement.scrollHeight > view.h + 1 || document.documentElement.scrollWidth > view.w + 1,
  };
}"""

OPTIONS = ["Transition from nursery to reception", "Primary to secondary transition", "Early help for families"]
# (role, phones, the option each phone chooses in turn): health is a small group (under 5 phones).
ANSWERS = [
    (Discipline.PARENT_CARER_FORUM, 9, [0, 0, 1]),
    (Discipline.SCHOOL, 7, [1, 2]),
    (Discipline.HEALTH, 3, [2]),
]


@pytest.fixture
def choice_with_roles(workshop):
    poll = Poll.objects.create(
        workshop=workshop,
        question="Where should we try a change first?",
        kind="choice",
        options=OPTIONS,
        ask_role=True,
        is_open=True,
    )
    phone = 0
    for role, phones, picks in ANSWERS:
        for n in range(phones):
            phone += 1
            poll_answer(poll=poll, phone=f"roles{phone:03d}", choice=OPTIONS[picks[n % len(picks)]], role=role)
    return poll


@pytest.mark.parametrize("width,height,name", [(1920, 1080, None), (3840, 2160, "projector-choice-4k")])
def test_choice_bars_fill_the_stage_and_compare_the_groups_in_sight(visit, choice_with_roles, width, height, name):
    projector = projector_at(visit, choice_with_roles, width, height)
    page = projector.page
    m = page.evaluate(BARS_MEASURED)
    assert m["barsShare"] >= 0.6 and m["barsInside"], m
    assert m["labelShare"] >= 0.02, m
    # The groups side by side, on the screen without a click, each with its number of phones.
    assert m["compareShown"] and m["compareInside"], m
    for label in ("Parent carer forum", "School / SENCO", "Health"):
        assert label in m["compareText"], m
    assert "n=9" in m["compareText"] and "n=3" in m["compareText"], m
    assert "⚠ small number" in m["compareText"], m  # Health: 3 phones
    assert m["compareText"].count("small number") == 1, m
    assert m["groupLabelShare"] >= 0.015, m
    assert not m["scrolls"], m
    projector.check(name)


def test_scale_bars_fill_the_stage_too(visit, workshop):
    """The demo's scale poll (1 to 5, no role asked): five bars and the average, on one screen."""
    scale = Poll.objects.get(workshop=workshop, kind="scale")
    projector = projector_at(visit, scale, 1920, 1080)
    m = projector.page.evaluate(BARS_MEASURED)
    assert m["barsShare"] >= 0.6 and m["barsInside"] and m["labelShare"] >= 0.02, m
    assert not m["compareShown"] and not m["scrolls"], m
    assert projector.page.get_by_text("Average:").is_visible()
    projector.check("projector-scale-1920x1080")


@pytest.fixture
def words_with_roles(workshop):
    poll = Poll.objects.create(
        workshop=workshop,
        question="What does an ideal outcome mean to you?",
        kind="words",
        ask_role=True,
        approve_first=False,  # shown as they come, so the groups show without a moderator
        is_open=True,
    )
    given = {
        Discipline.PARENT_CARER_FORUM: ["being heard", "friends", "feeling safe"],
        Discipline.SCHOOL: ["friends", "a plan that works", "realistic"],
        Discipline.HEALTH: ["feeling safe"],
    }
    phone = 0
    for role, words in given.items():
        for n in range(6 if role != Discipline.HEALTH else 2):
            phone += 1
            poll_answer(poll=poll, phone=f"words{phone:03d}", words=words[: 1 + n % len(words)], role=role)
    return poll


GROUP_WORDS_MEASURED = """() => {
  const view = {w: window.innerWidth, h: window.innerHeight};
  const compare = document.querySelector('[data-testid=group-compare]');
  const cloud = document.querySelector('.word-cloud').getBoundingClientRect();
  const box = compare ? compare.getBoundingClientRect() : null;
  return {
    compareShown: !!compare && compare.checkVisibility() && box.height > 0,
    compareText: compare ? compare.innerText : '',
    compareInside: !!box && box.bottom <= view.h + 1 && box.right <= view.w + 1,
    fontShare: compare ? parseFloat(getComputedStyle(compare).fontSize) / view.h : 0,
    cloudShare: cloud.height / view.h,
    cloudAbove: !!box && cloud.bottom <= box.top + 1,
    scrolls: document.documentElement.scrollHeight > view.h + 1 || document.documentElement.scrollWidth > view.w + 1,
  };
}"""


@pytest.mark.parametrize("width,height,name", [(1280, 720, None), (3840, 2160, "projector-words-groups-4k")])
def test_a_words_poll_that_asked_the_role_shows_each_group_s_most_given_answers(
    visit, words_with_roles, width, height, name
):
    projector = projector_at(visit, words_with_roles, width, height)
    m = projector.page.evaluate(GROUP_WORDS_MEASURED)
    # Each group's most given answers under the cloud, without a click, the cloud keeping most of the stage.
    assert m["compareShown"] and m["compareInside"] and m["cloudAbove"], m
    for label in ("Parent carer forum", "School / SENCO", "Health"):
        assert label in m["compareText"], m
    assert "being heard" in m["compareText"] and "plan that works" in m["compareText"], m
    assert m["compareText"].count("small number") == 1, m  # Health: 2 phones
    assert m["fontShare"] >= 0.015 and m["cloudShare"] >= 0.4, m
    assert not m["scrolls"], m
    projector.check(name)
