"""The board paper (docs/improvement.md, "Monitoring updates: the board paper"): each update records
every action's rating; the next shows previous → current with the direction of travel; Complete is
blue, Not yet rated has no colour; rating cells are shaded with the word in them on the page, on
paper and in Word; typed line breaks and bullets are kept; recommendations and their decisions are
part of the update. Updates frozen before all this still show as they were."""

import datetime
import io

import pytest
from django.db import IntegrityError
from docx import Document
from docx.oxml.ns import qn

from improvement import services
from improvement.board_paper import travel, travel_text
from improvement.models import (
    Action,
    ActionStatus,
    FocusArea,
    MonitoringUpdate,
    Recommendation,
    UpdateActionRating,
)
from improvement.paragraphs import blocks
from improvement.services import ActionData

MITIGATION = (
    "Weekly panel from May.\n- Joint advert with the ICB\n• Locum cover meanwhile\no Review in July\nThen report back."
)


def _save(action, lead, **changes):
    data = {
        "title": action.title,
        "owner": action.owner,
        "due": action.due,
        "status": action.status,
        "rag": action.rag,
        "issue": action.issue,
        "mitigation": action.mitigation,
        "ref": action.ref,
    }
    data.update(changes)
    return services.action_save(
        focus_area=action.focus_area, action=action, by=lead, expected_version=action.version, data=ActionData(**data)
    )


def _freeze(plan, lead, as_of, title=None, **kwargs):
    return services.update_freeze(
        plan=plan, title=title or f"Update {as_of}", as_of=as_of, highlights="", by=lead, **kwargs
    )


def _actions(update):
    return [a for w in update.content["workstreams"] for area in w["focus_areas"] for a in area["actions"]]


@pytest.fixture
def second(action, lead):
    """A second action of the same focus area, referenced 14–15, not yet rated."""
    return services.action_save(
        focus_area=action.focus_area,
        action=None,
        by=lead,
        expected_version=0,
        data=ActionData(title="Audit EHCP quality", owner="Head of SEND", due=datetime.date(2027, 6, 30), ref="14–15"),
    )


# --- the direction of travel ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("previous", "current", "code", "text"),
    [
        ("amber", "green", "up", "Amber → Green ↑ improved"),
        ("green", "blue", "up", "Green → Complete ↑ improved"),
        ("green", "red", "down", "Green → Red ↓ worse"),
        ("blue", "amber", "down", "Complete → Amber ↓ worse"),
        ("amber", "amber", "same", "Amber → Amber (unchanged)"),
        ("", "amber", "rated", "Not yet rated → Amber (rated)"),
        ("", "blue", "rated", "Not yet rated → Complete (rated)"),
        ("", "", "same", "Not yet rated → Not yet rated (unchanged)"),
        ("red", "", "unrated", "Red → Not yet rated (no longer rated)"),
        (None, "green", "new", "New"),
    ],
)
def test_the_direction_of_travel(previous, current, code, text):
    assert travel(previous, current) == code
    assert travel_text(previous, current, code) == text


# --- every action's rating at each update ------------------------------------------------------------


def test_an_update_records_every_actions_rating_and_the_next_shows_previous_to_current(action, second, lead):
    plan = action.focus_area.workstream.plan
    action = _save(action, lead, rag="amber", issue="Sample not agreed.", mitigation="Use the May panel.")
    first = _freeze(plan, lead, datetime.date(2027, 3, 31))
    rows = {row.title: row for row in UpdateActionRating.objects.filter(update=first)}
    assert {title: (row.rating, row.status, row.ref, row.action_id) for title, row in rows.items()} == {
        action.title: ("amber", ActionStatus.NOT_STARTED, "", action.pk),
        second.title: ("", ActionStatus.NOT_STARTED, "14–15", second.pk),
    }
    assert rows[action.title].workstream == "Identify–assess–meet need"
    assert {a["title"]: a["travel"] for a in _actions(first)} == {action.title: "new", second.title: "new"}

    _save(action, lead, rag="green")
    _save(second, lead, status=ActionStatus.DONE)
    third = services.action_save(
        focus_area=action.focus_area,
        action=None,
        by=lead,
        expected_version=0,
        data=ActionData(title="Publish the local offer", owner="Comms lead", due=datetime.date(2027, 9, 1)),
    )
    later = _freeze(plan, lead, datetime.date(2027, 4, 30))
    by_title = {a["title"]: a for a in _actions(later)}
    assert (by_title[action.title]["previous_rating"], by_title[action.title]["rating"]) == ("amber", "green")
    assert by_title[action.title]["travel"] == "up"
    assert (by_title[second.title]["previous_rating"], by_title[second.title]["rating"]) == ("", "blue")
    assert by_title[second.title]["travel"] == "rated" and by_title[second.title]["status"] == "Complete"
    assert by_title[third.title]["previous_rating"] is None and by_title[third.title]["travel"] == "new"
    assert later.content["previous_update"] == {"title": first.title, "as_of": "2027-03-31"}
    assert later.content["workstreams"][0]["ratings"] == {"red": 0, "amber": 0, "green": 1, "blue": 1, "not_rated": 1}
    assert UpdateActionRating.objects.filter(update=later).count() == 3


def test_previous_means_the_latest_earlier_as_at_date_not_the_last_frozen(action, lead):
    plan = action.focus_area.workstream.plan
    _save(action, lead, rag="red", issue="Late.", mitigation="Chase.")
    _freeze(plan, lead, datetime.date(2027, 5, 31), title="May")
    action = _save(Action.objects.get(pk=action.pk), lead, rag="amber")
    _freeze(plan, lead, datetime.date(2027, 3, 31), title="March")  # frozen later, dated earlier
    _save(Action.objects.get(pk=action.pk), lead, rag="green")
    april = _freeze(plan, lead, datetime.date(2027, 4, 30), title="April")
    assert april.content["previous_update"]["title"] == "March"
    assert _actions(april)[0]["previous_rating"] == "amber"
    same_day = _freeze(plan, lead, datetime.date(2027, 4, 30), title="April again")
    assert same_day.content["previous_update"]["title"] == "April"


def test_ratings_are_written_with_the_update_or_not_at_all(action, lead, monkeypatch):
    """One transaction: a rating row that cannot be stored leaves no update behind."""
    plan = action.focus_area.workstream.plan

    def refuse(*args, **kwargs):
        raise IntegrityError("refused")

    monkeypatch.setattr(UpdateActionRating.objects, "bulk_create", refuse)
    with pytest.raises(IntegrityError):
        _freeze(plan, lead, datetime.date(2027, 4, 30))
    assert not MonitoringUpdate.objects.filter(plan=plan).exists()


def test_a_deleted_action_keeps_its_rating_at_the_update(action, lead):
    update = _freeze(action.focus_area.workstream.plan, lead, datetime.date(2027, 4, 30))
    Action.objects.filter(pk=action.pk).delete()
    row = UpdateActionRating.objects.get(update=update)
    assert row.action is None and row.title == "Launch a graduated response toolkit"


# --- on the page and on paper -------------------------------------------------------------------------


def test_the_page_shades_each_rating_and_says_it_in_words(action, second, lead, viewer, client_for):
    plan = action.focus_area.workstream.plan
    _save(action, lead, rag="amber", issue="Sample not agreed.", mitigation="Use the May panel.")
    _freeze(plan, lead, datetime.date(2027, 3, 31))
    _save(Action.objects.get(pk=action.pk), lead, rag="green")
    _save(second, lead, status=ActionStatus.DONE)
    update = _freeze(plan, lead, datetime.date(2027, 4, 30))
    page = client_for(viewer).get(f"/plans/updates/{update.pk}/").content.decode()
    assert '<td class="rating-green" data-testid="rating">Green</td>' in page
    assert '<td class="rating-blue" data-testid="rating">Complete</td>' in page
    assert "Amber → Green ↑ improved" in page and "Not yet rated → Complete (rated)" in page
    assert "improvement/ratings.css" in page and "improvement/print.css" in page
    assert "14–15" in page and "SEND Quality Assurance Lead" in page and "2027-03-31" in page


def test_not_yet_rated_has_no_colour_but_its_words(action, second, viewer, lead, client_for):
    update = _freeze(action.focus_area.workstream.plan, lead, datetime.date(2027, 4, 30))
    page = client_for(viewer).get(f"/plans/updates/{update.pk}/").content.decode()
    assert '<td class="rating-none" data-testid="rating">Not yet rated</td>' in page
    assert "This is the plan's first update" in page


def test_the_stylesheets_print_the_shading_and_shade_only_with_the_word():
    from django.contrib.staticfiles import finders

    ratings = open(finders.find("improvement/ratings.css")).read()
    printed = open(finders.find("improvement/print.css")).read()
    assert "print-color-adjust: exact" in ratings and "print-color-adjust: exact" in printed
    assert ".rating-none" not in ratings.split("span.rating-none")[0]  # "not yet rated" is never filled


# --- line breaks and bullets -------------------------------------------------------------------------


def test_typed_lines_become_paragraphs_and_bullets():
    assert blocks(MITIGATION) == [
        ("p", "Weekly panel from May."),
        ("ul", ["Joint advert with the ICB", "Locum cover meanwhile", "Review in July"]),
        ("p", "Then report back."),
    ]
    assert blocks("* one\r\n*two\r\n\r\nonly words") == [("ul", ["one", "two"]), ("p", "only words")]
    assert blocks("") == [] and blocks(None) == []
    assert blocks("order more books") == [("p", "order more books")]  # "o" without a space is a word


def test_bullets_are_kept_on_the_action_page_the_plan_page_and_the_update(action, lead, viewer, client_for):
    action = _save(action, lead, rag="amber", issue="Two reasons:\n- staff\n- money", mitigation=MITIGATION)
    services.progress_note_add(
        action=action, date=datetime.date(2027, 4, 1), text="Done so far:\n• advert out", by=lead
    )
    update = _freeze(action.focus_area.workstream.plan, lead, datetime.date(2027, 4, 30))
    client = client_for(viewer)
    bullets = (
        '<ul class="mb-1 ps-3"><li>Joint advert with the ICB</li><li>Locum cover meanwhile</li>'
        "<li>Review in July</li></ul>"
    )
    for url in (
        f"/plans/actions/{action.pk}/",
        f"/plans/{action.focus_area.workstream.plan_id}/",
        f"/plans/updates/{update.pk}/",
    ):
        page = client.get(url).content.decode()
        assert (
            '<p class="mb-1">Weekly panel from May.</p>' + bullets + '<p class="mb-1">Then report back.</p>' in page
        ), url
        assert "<li>staff</li><li>money</li>" in page, url
    for url in (f"/plans/actions/{action.pk}/", f"/plans/updates/{update.pk}/"):
        assert '<ul class="mb-1 ps-3"><li>advert out</li></ul>' in client.get(url).content.decode(), url


def test_typed_markup_stays_text(action, lead, viewer, client_for):
    action = _save(action, lead, rag="amber", issue="- <b>bold</b>", mitigation="<script>x</script>")
    page = client_for(viewer).get(f"/plans/actions/{action.pk}/").content.decode()
    assert "<li>&lt;b&gt;bold&lt;/b&gt;</li>" in page and "<script>x</script>" not in page


# --- recommendations ------------------------------------------------------------------------------------


@pytest.fixture
def decided(action, lead, term):
    plan = action.focus_area.workstream.plan
    theme = term("theme", "WORKFORCE_CAPACITY")
    accepted = Recommendation.objects.create(plan=plan, ref="2.A", theme=theme, text="Recruit more EPs.")
    services.recommendation_decide(
        recommendation=accepted,
        decision=Recommendation.Decision.ACCEPTED,
        focus_area=action.focus_area,
        owner="Principal EP",
        due=datetime.date(2027, 7, 31),
        by=lead,
    )
    declined = Recommendation.objects.create(plan=plan, ref="10", theme=theme, text="Close the panel.")
    services.recommendation_decide(
        recommendation=declined, decision=Recommendation.Decision.DECLINED, reason="The panel works.", by=lead
    )
    made = accepted.actions.get()
    _save(made, lead, status=ActionStatus.IN_PROGRESS, rag="amber", issue="One post vacant.", mitigation="Locums.")
    return plan


def test_recommendations_and_their_decisions_are_part_of_the_update(decided, lead, viewer, client_for):
    update = _freeze(decided, lead, datetime.date(2027, 4, 30))
    recommendations = update.content["recommendations"]
    assert [(r["ref"], r["decision"]) for r in recommendations] == [("2.A", "accepted"), ("10", "declined")]
    assert recommendations[0]["theme"] == "Workforce capacity"
    assert recommendations[0]["actions"] == [
        {"ref": "", "title": "Recommendation 2.A: Recruit more EPs.", "status": "In progress", "rating": "amber"}
    ]
    assert recommendations[1]["reason"] == "The panel works." and recommendations[1]["actions"] == []
    page = client_for(viewer).get(f"/plans/updates/{update.pk}/").content.decode()
    section = page.split('data-testid="update-recommendations"')[1]
    assert "Recruit more EPs." in section and "Accepted" in section and "Declined" in section
    assert "The panel works." in section and '<td class="rating-amber">Amber</td>' in section


def test_the_recommendations_page_shows_each_accepted_actions_status_and_rating(decided, viewer, client_for):
    page = client_for(viewer).get(f"/plans/{decided.pk}/recommendations/").content.decode()
    shown = page.split('data-testid="accepted-action"')[1].split("</li>")[0]
    assert "In progress" in shown and '<span class="rating rating-amber">Amber</span>' in shown


# --- the Word document -----------------------------------------------------------------------------------


def _cell_fill(cell):
    shading = cell._tc.tcPr.find(qn("w:shd")) if cell._tc.tcPr is not None else None
    return None if shading is None else shading.get(qn("w:fill"))


def _word(client, update):
    response = client.get(f"/plans/updates/{update.pk}/word.docx")
    assert response.status_code == 200
    return Document(io.BytesIO(response.content))


def test_the_word_document_shades_ratings_keeps_bullets_and_lists_recommendations(
    decided, action, second, lead, viewer, client_for
):
    action = _save(Action.objects.get(pk=action.pk), lead, rag="amber", issue="Late.", mitigation=MITIGATION)
    _freeze(decided, lead, datetime.date(2027, 3, 31))
    _save(Action.objects.get(pk=action.pk), lead, rag="green")
    _save(Action.objects.get(pk=second.pk), lead, status=ActionStatus.DONE)
    update = _freeze(decided, lead, datetime.date(2027, 4, 30))
    document = _word(client_for(viewer), update)
    milestones = next(t for t in document.tables if t.rows[0].cells[0].text == "Ref")
    rows = {row.cells[1].text: row.cells for row in milestones.rows[1:]}
    toolkit = rows["Launch a graduated response toolkit (overdue)"]
    assert (toolkit[5].text, _cell_fill(toolkit[5])) == ("Green", "00B050")
    assert toolkit[6].text == "Amber → Green ↑ improved"
    audit = rows["Audit EHCP quality"]
    assert (audit[0].text, audit[4].text, audit[5].text, _cell_fill(audit[5])) == (
        "14–15",
        "Complete",
        "Complete",
        "0070C0",
    )
    assert audit[6].text == "Not yet rated → Complete (rated)"
    mitigation = toolkit[8].paragraphs
    assert [(p.text, p.style.name) for p in mitigation] == [
        ("Weekly panel from May.", "Normal"),
        ("Joint advert with the ICB", "List Bullet"),
        ("Locum cover meanwhile", "List Bullet"),
        ("Review in July", "List Bullet"),
        ("Then report back.", "Normal"),
    ]
    focus_row = next(row for row in milestones.rows if row.cells[0].text.startswith("Focus Area 14:"))
    assert len({id(cell._tc) for cell in focus_row.cells}) == 1  # one merged cell across the table

    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Recommendations and decisions" in headings
    recommendations = next(t for t in document.tables if t.rows[0].cells[2].text == "Recommendation")
    accepted = recommendations.rows[1].cells
    assert [c.text for c in accepted[:4]] == ["2.A", "Workforce capacity", "Recruit more EPs.", "Accepted"]
    assert (accepted[6].text, _cell_fill(accepted[6])) == ("Amber", "FFC000")
    assert recommendations.rows[2].cells[4].text == "The panel works."
    summary = next(t for t in document.tables if t.rows[0].cells[0].text == "Workstream")
    assert [c.text for c in summary.rows[0].cells] == [
        "Workstream",
        "Red",
        "Amber",
        "Green",
        "Complete",
        "Not yet rated",
    ]
    # the toolkit green, the audit complete, the recommendation's action amber
    assert [c.text for c in summary.rows[1].cells][1:] == ["0", "1", "1", "1", "0"]


def test_not_yet_rated_is_unshaded_in_word(action, second, lead, viewer, client_for):
    update = _freeze(action.focus_area.workstream.plan, lead, datetime.date(2027, 4, 30))
    milestones = next(t for t in _word(client_for(viewer), update).tables if t.rows[0].cells[0].text == "Ref")
    cells = next(row.cells for row in milestones.rows if row.cells[1].text == "Audit EHCP quality")
    assert (cells[5].text, _cell_fill(cells[5]), cells[6].text) == ("Not yet rated", None, "New")


# --- updates frozen before the board paper -------------------------------------------------------------------

LEGACY = {
    "plan": "SEND improvement programme 2026–28",
    "as_of": "2026-09-30",
    "highlights": ["Toolkit published"],
    "workstreams": [
        {
            "name": "Culture",
            "rag": {"red": 0, "amber": 1, "green": 1},
            "focus_areas": [
                {
                    "number": 3,
                    "statement": "Partners agree the vision.",
                    "evidence": [],
                    "actions": [
                        {
                            "title": "Hold the partnership day",
                            "owner": "Head of SEND",
                            "due": "2026-10-31",
                            "status": "Done",
                            "rag": "green",
                            "overdue": False,
                            "issue": "",
                            "mitigation": "",
                            "evidence": [],
                            "progress": [{"date": "2026-09-01", "text": "Booked"}],
                            "next_steps": [],
                        },
                        {
                            "title": "Agree the charter",
                            "owner": "Director",
                            "due": "2026-12-31",
                            "status": "In progress",
                            "rag": "amber",
                            "overdue": False,
                            "issue": "Not all partners signed.",
                            "mitigation": "Chase at the board.",
                            "evidence": [],
                            "progress": [],
                            "next_steps": [{"text": "Send the draft", "done": False}],
                        },
                    ],
                }
            ],
        }
    ],
    "risks": [],
    "kpis": [],
    "themes_without_action": [],
}


def test_an_update_frozen_before_the_board_paper_still_shows_and_exports(plan, lead, viewer, client_for):
    update = MonitoringUpdate.objects.create(
        plan=plan, title="September 2026", as_of=datetime.date(2026, 9, 30), content=LEGACY, frozen_by=lead
    )
    page = client_for(viewer).get(f"/plans/updates/{update.pk}/").content.decode()
    assert "Focus area 3: Partners agree the vision." in page
    assert '<td class="rating-blue" data-testid="rating">Complete</td>' in page
    assert '<td class="rating-amber" data-testid="rating">Amber</td>' in page
    assert "Not recorded" in page and "update-recommendations" not in page
    assert "first update" not in page
    document = _word(client_for(viewer), update)
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert "Recommendations and decisions" not in headings
    milestones = next(t for t in document.tables if t.rows[0].cells[0].text == "Ref")
    assert milestones.rows[1].cells[0].text == "Focus Area 3: Partners agree the vision."
    assert (milestones.rows[2].cells[5].text, _cell_fill(milestones.rows[2].cells[5])) == ("Complete", "0070C0")

    # The next update reads the old one's ratings from its content.
    workstream = plan.workstreams.create(name="Culture")
    area = FocusArea.objects.create(workstream=workstream, ref="3", statement="Partners agree the vision.")
    charter = services.action_save(
        focus_area=area,
        action=None,
        by=lead,
        expected_version=0,
        data=ActionData(title="Agree the charter", owner="Director", due=datetime.date(2026, 12, 31), rag="green"),
    )
    later = _freeze(plan, lead, datetime.date(2026, 10, 31))
    assert _actions(later)[0]["title"] == charter.title
    assert (_actions(later)[0]["previous_rating"], _actions(later)[0]["travel"]) == ("amber", "up")
