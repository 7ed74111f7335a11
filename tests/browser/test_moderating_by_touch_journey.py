"""Moderating by touch: on a phone (390×844) and a tablet (768×1024) the lead moderates the demo's
word poll with taps. Every control of the Moderate page is a target of at least 44×44 px (WCAG
2.5.5) and the page never scrolls sideways. The presenter hides a word from their own device under
"Shown on the projector", the projector just stops showing it, and the Undo in the message brings
it back; the projector itself has no hide controls. Axe on every page, screenshots in
test-results/screenshots/."""

import time

import pytest

from workshops.models import Poll, PollResponse, Workshop
from workshops.polls.services import words_answer_record

pytestmark = pytest.mark.browser

LIVE_WORKSHOP = "Early years transition case reviews"

# Each visible control of the page's main part that is smaller than 44×44 px. A checkbox counts by
# its label when it has one (tapping the label ticks the box; the journey taps labels to show it).
SMALL_TARGETS = """() => {
  const controls = document.querySelectorAll(
    'main a[href], main button, main input:not([type=hidden]), main select, main textarea, main summary');
  return [...controls].filter(el => el.getClientRects().length).map(el => {
    let target = el;
    if (el.type === 'checkbox' || el.type === 'radio') {
      target = el.closest('label') || (el.id && document.querySelector(`label[for="${el.id}"]`)) || el;
    }
    const box = target.getBoundingClientRect();
    return {control: el.outerHTML.slice(0, 120), width: Math.round(box.width * 10) / 10,
            height: Math.round(box.height * 10) / 10};
  }).filter(t => t.width < 44 || t.height < 44);
}"""
SIDEWAYS = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


@pytest.fixture
def words(demo):
    poll = Poll.objects.get(workshop=Workshop.objects.get(organisation=demo, title=LIVE_WORKSHOP), kind="words")
    assert poll.needs_approval
    return poll


def waiting(poll, phone, text):
    """An answer in the approval queue, as a phone's answer waits (staff-typed ones count as approved)."""
    response = words_answer_record(poll=poll, phone=phone, text=text)
    PollResponse.objects.filter(pk=response.pk).update(approved=False)
    return response


def cloud_words(page):
    return [text.strip() for text in page.locator(".word-cloud__word").all_inner_texts()]


def assert_touch_sized(person):
    assert person.page.evaluate(SMALL_TARGETS) == []
    assert person.page.evaluate(SIDEWAYS) <= 0, "the page scrolls sideways"


@pytest.mark.parametrize(
    ("device", "width", "height"), [("phone", 390, 844), ("tablet", 768, 1024)], ids=["390", "768"]
)
def test_the_lead_moderates_by_touch_and_hides_a_word_from_their_own_device(visit, words, device, width, height):
    for n in range(3):  # given by three phones: big in the cloud
        waiting(words, f"touch-{n}", "calm start")
    waiting(words, "touch-9", "quiet room")
    projector = visit("desktop").sign_in("lead@demo.test")
    projector.page.goto(f"/polls/{words.pk}/present/")
    assert "calm start" not in cloud_words(projector.page)

    lead = visit(device).sign_in("lead@demo.test")
    page = lead.page
    page.set_viewport_size({"width": width, "height": height})
    page.goto(f"/polls/{words.pk}/moderate/")
    assert_touch_sized(lead)
    lead.check(f"moderate-by-touch-queue-{width}")

    # Tapping an answer's label ticks its box; "Approve ticked" approves the three of them.
    queue = page.locator("#queue")
    for box in queue.get_by_role("checkbox", name="calm start").all():
        page.locator(f"label:has(#{box.get_attribute('id')})").tap()
        assert box.is_checked()
    queue.get_by_role("button", name="Approve ticked").tap()
    page.get_by_text("Approved 3 answers.").wait_for()
    queue.get_by_role("button", name="Approve “quiet room”", exact=True).tap()
    page.get_by_text("Approved 1 answer.").wait_for()
    projector.page.locator(".word-cloud__word", has_text="calm start").wait_for(timeout=8000)

    # The quick hide, from the lead's own device: the projector only stops showing the word.
    shown = page.locator("#shown")
    assert_touch_sized(lead)
    lead.check(f"moderate-by-touch-shown-{width}")
    shown.get_by_role("button", name="Hide “calm start” from the projector", exact=True).tap()
    message = page.locator("#quick-hide-message")
    message.get_by_text("Hid “calm start”").wait_for()
    undo = message.get_by_role("button", name="Undo hiding “calm start”", exact=True)
    assert undo.is_visible()
    hidden_at = time.monotonic()
    projector.page.wait_for_function(
        "() => ![...document.querySelectorAll('.word-cloud__word')].some(w => w.textContent.trim() === 'calm start')",
        timeout=8000,
    )
    assert PollResponse.objects.filter(poll=words, text="calm start", hidden=True).count() == 3
    assert_touch_sized(lead)
    lead.check(f"moderate-by-touch-undo-{width}")

    # A new answer arrives meanwhile: the page says so but keeps the Undo (no reload) for 10 s and more.
    waiting(words, "touch-10", "time to settle")
    page.get_by_test_id("moderate-news").wait_for(timeout=8000)
    time.sleep(max(0.0, 10.5 - (time.monotonic() - hidden_at)))
    assert undo.is_visible()

    undo.tap()
    page.get_by_text("Showed “calm start” again").wait_for()
    projector.page.locator(".word-cloud__word", has_text="calm start").wait_for(timeout=8000)
    assert not PollResponse.objects.filter(poll=words, text="calm start", hidden=True).exists()
    assert_touch_sized(lead)

    # The projector has nothing to hide with: the room sees answers, never the controls.
    assert "calm start" in cloud_words(projector.page)
    assert projector.page.locator("#live-results form, #live-results button").count() == 0
    assert projector.page.get_by_role("button", name="Hide").count() == 0
    assert "hide an answer" not in projector.page.locator("body").inner_text().lower()
    projector.check(f"moderate-by-touch-projector-{width}")


def test_without_javascript_the_quick_hide_and_its_undo_still_work(visit, words):
    words_answer_record(poll=words, phone="plain-1", text="calm start")
    plain = visit("phone", javascript=False).sign_in("lead@demo.test")
    plain.page.set_viewport_size({"width": 390, "height": 844})
    plain.page.goto(f"/polls/{words.pk}/moderate/")
    plain.page.locator("#shown").get_by_role("button", name="Hide “calm start” from the projector").click()
    plain.page.locator("#quick-hide-message").get_by_text("Hid “calm start”").wait_for()
    assert plain.page.url.endswith(f"/polls/{words.pk}/moderate/#shown")
    assert PollResponse.objects.get(poll=words, text="calm start").hidden
    plain.page.get_by_role("button", name="Undo hiding “calm start”").click()
    plain.page.get_by_text("Showed “calm start” again").wait_for()
    assert not PollResponse.objects.get(poll=words, text="calm start").hidden
