"""The facilitator's room console: open a case, save it with htmx, move on; access per role."""

import re

import pytest
from django.urls import reverse

from tests.fixtures import not_ideal_post
from workshops.models import BreakoutRoom, CaseReview, ReviewAudit

HTMX = {"HTTP_HX_REQUEST": "true"}


def console_url(room, allocation=None):
    if allocation is None:
        return reverse("room_console", args=[room.pk])
    return reverse("room_console_case", args=[room.pk, allocation.pk])


def save_url(room, allocation):
    return reverse("review_save", args=[room.pk, allocation.pk])


def test_the_console_opens_on_the_first_case_and_marks_it_in_discussion(client_for, facilitator, room, allocations):
    page = client_for(facilitator).get(console_url(room)).content.decode()
    assert "Case C-001" in page
    assert "In discussion" in page
    room.refresh_from_db()
    assert room.current_allocation == allocations[0]


def test_saving_with_htmx_stores_the_review_and_shows_the_next_case(client_for, facilitator, room, allocations, term):
    client = client_for(facilitator)
    response = client.post(save_url(room, allocations[0]), not_ideal_post(term), **HTMX)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Saved C-001" in page and "Case C-002" in page
    assert f'data-saved-allocation="{allocations[0].pk}"' in page
    assert "<html" not in page  # a partial, swapped in without a reload
    review = CaseReview.objects.get(allocation=allocations[0])
    assert (review.consensus_reached, review.ideal_outcome, review.version) == (True, False, 1)
    assert review.better_provision.code == "MAINSTREAM"
    assert review.provision_at_review.code == "MSS"
    assert review.reviewed_by == facilitator
    room.refresh_from_db()
    assert room.current_allocation == allocations[1]
    assert response["HX-Push-Url"] == console_url(room, allocations[1])


def test_no_consensus_is_one_action(client_for, facilitator, room, allocations):
    response = client_for(facilitator).post(
        save_url(room, allocations[0]), {"action": "no_consensus", "version": 0}, **HTMX
    )
    assert "Saved C-001 as no consensus" in response.content.decode()
    review = CaseReview.objects.get(allocation=allocations[0])
    assert review.consensus_reached is False and review.ideal_outcome is None


def test_without_javascript_a_save_redirects_to_the_next_case(client_for, facilitator, room, allocations, term):
    response = client_for(facilitator).post(save_url(room, allocations[0]), not_ideal_post(term))
    assert response.status_code == 302
    assert response.url == console_url(room, allocations[1])


def test_after_the_last_case_the_console_says_every_case_is_done(client_for, facilitator, room, allocations):
    client = client_for(facilitator)
    for allocation in allocations:
        response = client.post(save_url(room, allocation), {"action": "no_consensus", "version": 0}, **HTMX)
    assert "Every case in this room has a judgement" in response.content.decode()


def test_an_invalid_answer_changes_nothing_and_says_what_is_missing(client_for, facilitator, room, allocations):
    response = client_for(facilitator).post(
        save_url(room, allocations[0]), {"action": "save", "version": 0, "ideal_outcome": "no"}, **HTMX
    )
    page = response.content.decode()
    assert "There is a problem" in page and "Choose at least one area" in page
    assert not CaseReview.objects.exists()


def test_notes_with_an_email_are_refused_and_nothing_is_stored(client_for, facilitator, room, allocations, term):
    response = client_for(facilitator).post(
        save_url(room, allocations[0]), not_ideal_post(term, notes="Mum is jo.bloggs@example.com"), **HTMX
    )
    assert "an email address" in response.content.decode()
    assert not CaseReview.objects.exists()


def test_reopening_a_reviewed_case_shows_its_saved_answer(client_for, facilitator, room, allocations, term):
    client = client_for(facilitator)
    client.post(save_url(room, allocations[0]), not_ideal_post(term, notes="Outreach would help"), **HTMX)
    page = client.get(console_url(room, allocations[0])).content.decode()
    assert "Outreach would help" in page
    mainstream = term("provision", "MAINSTREAM").pk
    assert re.search(rf'name="better_provision" value="{mainstream}"\s+id="[^"]+" autocomplete="off" checked', page)
    assert len(re.findall(r'name="better_provision" [^>]* checked', page)) == 1
    assert 'name="version" value="1"' in page


def _themes_offered(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="themes" value="(\d+)"', page)}


def test_the_next_cases_form_offers_the_las_current_terms_after_a_first_review_and_after_an_edit(
    client_for, facilitator, room, allocations, term
):
    """A first review's form and the next case's form offer the same terms, read once for both;
    an edit's form also offers the retired terms its review keeps, and the next case's never does."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    client = client_for(facilitator)
    kept = term("theme", "WORKFORCE_CAPACITY")
    client.post(save_url(room, allocations[0]), not_ideal_post(term, themes=[kept.pk]), **HTMX)
    kept.retired_at = timezone.now()
    kept.save()
    active = term("theme", "TRANSITION_BETWEEN_SETTINGS").pk

    first_review_post = not_ideal_post(term)
    with CaptureQueriesContext(connection) as first_review:
        page = client.post(save_url(room, allocations[1]), first_review_post, **HTMX).content.decode()
    assert "Saved C-002" in page and "Case C-003" in page
    assert active in _themes_offered(page) and kept.pk not in _themes_offered(page)
    term_reads = [q["sql"] for q in first_review.captured_queries if 'FROM "casereview_vocabularyterm"' in q["sql"]]
    assert len(term_reads) == 1
    assert not [
        q["sql"]
        for q in first_review.captured_queries
        if 'FROM "workshops_casereview"' in q["sql"]
        and re.search(rf'"allocation_id" = {allocations[2].pk}\b', q["sql"])
    ]

    edit_form = client.get(console_url(room, allocations[0])).content.decode()
    assert kept.pk in _themes_offered(edit_form)  # the edited review keeps its retired theme
    page = client.post(
        save_url(room, allocations[0]), not_ideal_post(term, version=1, themes=[kept.pk]), **HTMX
    ).content.decode()
    assert "Saved C-001" in page
    assert active in _themes_offered(page) and kept.pk not in _themes_offered(page)


# Access: the room's facilitator and the LA's lead may use it; nobody else.


def test_the_lead_may_use_any_room_of_the_la(client_for, lead, room, allocations, term):
    client = client_for(lead)
    assert client.get(console_url(room)).status_code == 200
    assert client.post(save_url(room, allocations[0]), not_ideal_post(term), **HTMX).status_code == 200
    assert CaseReview.objects.count() == 1


def test_a_facilitator_of_another_room_gets_404_and_changes_nothing(
    client_for, other_facilitator, room, allocations, term
):
    client = client_for(other_facilitator)
    assert client.get(console_url(room)).status_code == 404
    assert client.get(console_url(room, allocations[0])).status_code == 404
    assert client.post(save_url(room, allocations[0]), not_ideal_post(term), **HTMX).status_code == 404
    assert not CaseReview.objects.exists()


def test_a_case_of_another_room_cannot_be_reached_through_ones_own_room(
    client_for, facilitator, room, allocations, other_allocation, term
):
    client = client_for(facilitator)
    assert client.get(console_url(room, other_allocation)).status_code == 404
    assert client.post(save_url(room, other_allocation), not_ideal_post(term), **HTMX).status_code == 404
    assert not CaseReview.objects.exists()


def test_a_viewer_cannot_review(client_for, viewer, room, allocations, term):
    client = client_for(viewer)
    assert client.get(console_url(room)).status_code == 403
    assert client.post(save_url(room, allocations[0]), not_ideal_post(term)).status_code == 403
    assert not CaseReview.objects.exists()


def test_an_outsider_gets_404_and_changes_nothing(client_for, outsider, room, allocations, term):
    client = client_for(outsider)
    assert client.get(console_url(room)).status_code == 404
    assert client.post(save_url(room, allocations[0]), not_ideal_post(term)).status_code == 404
    assert not CaseReview.objects.exists()
    assert BreakoutRoom.objects.get(pk=room.pk).current_allocation is None


def test_anonymous_visitors_are_sent_to_sign_in(client, room, allocations):
    response = client.get(console_url(room))
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert client.post(save_url(room, allocations[0]), {"action": "no_consensus", "version": 0}).status_code == 302
    assert not ReviewAudit.objects.exists()


@pytest.mark.parametrize("method", ["get", "put"])
def test_saving_needs_a_post(client_for, facilitator, room, allocations, method):
    assert getattr(client_for(facilitator), method)(save_url(room, allocations[0])).status_code == 405
