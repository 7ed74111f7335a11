"""The Undo in "Saved … as no consensus": the case back exactly as it was before, by the person who
saved it only, never over someone else's later save, and only for a short while."""

import html
import re
import time

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from tests.fixtures import not_ideal_post
from workshops.models import CaseReview, ReviewAudit
from workshops.services import reviews
from workshops.services.reviews import NoConsensusUndo, UndoRefused, review_undo_no_consensus

HTMX = {"HTTP_HX_REQUEST": "true"}


def save_url(room, allocation):
    return reverse("review_save", args=[room.pk, allocation.pk])


def undo_url(room, allocation):
    return reverse("review_undo", args=[room.pk, allocation.pk])


def undo_token(page: str) -> str:
    match = re.search(r'name="undo" value="([^"]+)"', page)
    assert match, "no Undo in the page"
    return html.unescape(match.group(1))


def no_consensus(client, room, allocation, version=0, **post):
    """Save ``allocation`` as no consensus (nothing ticked unless ``post`` says); the Undo's token."""
    data = {"action": "no_consensus", "version": version, **post}
    page = client.post(save_url(room, allocation), data, **HTMX).content.decode()
    assert f"Saved {allocation.case.reference} as no consensus." in page
    return undo_token(page)


def test_the_saved_message_offers_an_undo_named_for_the_case(client_for, facilitator, room, allocations, term):
    client = client_for(facilitator)
    page = client.post(save_url(room, allocations[0]), {"action": "no_consensus", "version": 0}, **HTMX).content
    page = page.decode()
    assert 'aria-label="Undo no consensus for C-001"' in page
    assert 'data-undo-seconds="10"' in page
    # A judgement the room agreed is not offered an undo.
    page = client.post(save_url(room, allocations[1]), not_ideal_post(term), **HTMX).content.decode()
    assert "Saved C-002." in page and 'name="undo"' not in page


def test_the_owner_undoes_a_first_no_consensus_and_the_case_has_no_review_again(
    client_for, facilitator, room, allocations
):
    client = client_for(facilitator)
    token = no_consensus(client, room, allocations[0], notes="Talked about transport")
    response = client.post(undo_url(room, allocations[0]), {"undo": token}, **HTMX)
    page = response.content.decode()
    assert "No consensus undone: C-001 is open again" in page
    assert "Case C-001" in page
    assert not CaseReview.objects.exists() and not ReviewAudit.objects.exists()
    assert "Talked about transport" in page  # its notes are back in the form
    assert response["HX-Push-Url"] == reverse("room_console_case", args=[room.pk, allocations[0].pk])
    room.refresh_from_db()
    assert room.current_allocation == allocations[0]


def test_the_answers_ticked_before_a_confirmed_no_consensus_come_back_into_the_form(
    client_for, facilitator, room, allocations, term
):
    client = client_for(facilitator)
    page = client.post(
        save_url(room, allocations[0]), not_ideal_post(term, action="no_consensus_confirmed"), **HTMX
    ).content.decode()
    page = client.post(undo_url(room, allocations[0]), {"undo": undo_token(page)}, **HTMX).content.decode()
    assert "with the answers that were ticked back in the form" in page
    assert not CaseReview.objects.exists()
    theme = term("theme", "PARENTAL_CONFIDENCE_IN_MAINSTREAM")
    ticked = [line for line in page.split("<input") if f'value="{theme.pk}"' in line and 'name="themes"' in line]
    assert ticked and " checked" in ticked[0]


def test_undoing_over_an_earlier_answer_saves_that_answer_again_and_keeps_both_in_the_history(
    client_for, facilitator, room, allocations, term
):
    client = client_for(facilitator)
    client.post(save_url(room, allocations[0]), not_ideal_post(term, notes="First view"), **HTMX)
    token = no_consensus(client, room, allocations[0], version=1)
    page = client.post(undo_url(room, allocations[0]), {"undo": token}, **HTMX).content.decode()
    assert "is open again with its earlier answer" in page
    review = CaseReview.objects.get()
    assert (review.version, review.consensus_reached, review.ideal_outcome, review.notes) == (
        3,
        True,
        False,
        "First view",
    )
    assert review.better_provision.code == "MAINSTREAM"
    assert sorted(t.code for t in review.non_ideal_areas.all()) == ["TIMING_OF_SUPPORT", "TYPE_OF_PROVISION"]
    assert [t.code for t in review.themes.all()] == ["PARENTAL_CONFIDENCE_IN_MAINSTREAM"]
    assert sorted(ReviewAudit.objects.values_list("version", flat=True)) == [1, 2, 3]
    assert "Undo" in ReviewAudit.objects.get(version=3).changes


def test_an_undo_after_someone_elses_save_is_refused_and_changes_nothing(
    client_for, facilitator, lead, room, allocations, term
):
    token = no_consensus(client_for(facilitator), room, allocations[0])
    client_for(lead).post(save_url(room, allocations[0]), not_ideal_post(term, version=1), **HTMX)
    page = client_for(facilitator).post(undo_url(room, allocations[0]), {"undo": token}, **HTMX).content.decode()
    assert "Not undone:" in page and "would overwrite that save" in page
    review = CaseReview.objects.get()
    assert (review.version, review.consensus_reached, review.reviewed_by) == (2, True, lead)
    assert ReviewAudit.objects.count() == 2


def test_a_second_press_of_undo_is_refused(client_for, facilitator, room, allocations):
    client = client_for(facilitator)
    token = no_consensus(client, room, allocations[0])
    client.post(undo_url(room, allocations[0]), {"undo": token}, **HTMX)
    page = client.post(undo_url(room, allocations[0]), {"undo": token}, **HTMX).content.decode()
    assert "already undone" in page
    assert not CaseReview.objects.exists()


def test_an_undo_older_than_the_servers_window_is_refused(client_for, facilitator, room, allocations, monkeypatch):
    client = client_for(facilitator)
    token = no_consensus(client, room, allocations[0])
    later = time.time() + reviews.UNDO_ACCEPTED_SECONDS + 1
    monkeypatch.setattr(reviews.signing.time, "time", lambda: later)
    page = client.post(undo_url(room, allocations[0]), {"undo": token}, **HTMX).content.decode()
    assert "Too late to undo" in page and "30 seconds" in page
    assert CaseReview.objects.get().consensus_reached is False


def test_a_changed_token_is_refused(client_for, facilitator, room, allocations):
    client = client_for(facilitator)
    token = no_consensus(client, room, allocations[0])
    page = client.post(undo_url(room, allocations[0]), {"undo": token[:-2] + "xx"}, **HTMX).content.decode()
    assert "could not be read" in page
    assert CaseReview.objects.get().consensus_reached is False


def test_a_member_of_another_room_of_the_la_cannot_undo(client_for, facilitator, other_facilitator, room, allocations):
    token = no_consensus(client_for(facilitator), room, allocations[0])
    response = client_for(other_facilitator).post(undo_url(room, allocations[0]), {"undo": token}, **HTMX)
    assert response.status_code == 404
    assert CaseReview.objects.get().consensus_reached is False


def test_a_lead_of_the_la_cannot_undo_someone_elses_no_consensus(client_for, facilitator, lead, room, allocations):
    token = no_consensus(client_for(facilitator), room, allocations[0])
    response = client_for(lead).post(undo_url(room, allocations[0]), {"undo": token}, **HTMX)
    assert response.status_code == 403
    assert CaseReview.objects.get().consensus_reached is False


def test_an_outsider_cannot_undo(client_for, facilitator, outsider, room, allocations, outsider_allocation):
    token = no_consensus(client_for(facilitator), room, allocations[0])
    outside = client_for(outsider)
    assert outside.post(undo_url(room, allocations[0]), {"undo": token}, **HTMX).status_code == 404
    # Nor with their own room in the address: the token is for another case.
    their_room = outsider_allocation.room
    assert outside.post(undo_url(their_room, outsider_allocation), {"undo": token}, **HTMX).status_code == 403
    assert CaseReview.objects.get().consensus_reached is False


def test_the_service_refuses_another_person_and_another_case(facilitator, lead, allocations):
    undo = NoConsensusUndo(allocations[0].pk, 1, "2026-05-20T10:00:00+00:00", facilitator.pk, None)
    with pytest.raises(PermissionDenied):
        review_undo_no_consensus(allocation=allocations[0], undo=undo, by=lead)
    with pytest.raises(PermissionDenied):
        review_undo_no_consensus(allocation=allocations[1], undo=undo, by=facilitator)
    with pytest.raises(UndoRefused):
        review_undo_no_consensus(allocation=allocations[0], undo=undo, by=facilitator)  # nothing saved


def test_without_javascript_the_next_page_offers_the_undo_and_it_works(client_for, facilitator, room, allocations):
    client = client_for(facilitator)
    response = client.post(save_url(room, allocations[0]), {"action": "no_consensus", "version": 0})
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "Saved C-001 as no consensus." in page and "Case C-002" in page
    token = undo_token(page)
    assert "Saved C-001" not in client.get(response.url).content.decode()  # shown once
    page = client.post(undo_url(room, allocations[0]), {"undo": token}).content.decode()
    assert "No consensus undone: C-001 is open again" in page
    assert not CaseReview.objects.exists()
