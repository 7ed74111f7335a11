"""'No consensus — move on' with answers ticked asks first, and the ticked answers stay recoverable."""

from django.urls import reverse

from tests.fixtures import not_ideal_post
from workshops.models import CaseReview, ReviewAudit

HTMX = {"HTTP_HX_REQUEST": "true"}


def save_url(room, allocation):
    return reverse("review_save", args=[room.pk, allocation.pk])


def test_it_asks_before_recording_no_consensus_over_ticked_answers(client_for, facilitator, room, allocations, term):
    response = client_for(facilitator).post(
        save_url(room, allocations[0]), not_ideal_post(term, action="no_consensus"), **HTMX
    )
    page = response.content.decode()
    assert "Record no consensus for C-001?" in page
    assert "Themes: Lack of parental confidence in mainstream" in page
    assert 'value="no_consensus_confirmed"' in page
    assert not CaseReview.objects.exists()


def test_with_nothing_ticked_it_records_no_consensus_at_once(client_for, facilitator, room, allocations):
    client_for(facilitator).post(save_url(room, allocations[0]), {"action": "no_consensus", "version": 0}, **HTMX)
    assert CaseReview.objects.get().consensus_reached is False


def test_once_confirmed_the_ticked_answers_are_kept_in_the_history(client_for, facilitator, room, allocations, term):
    client = client_for(facilitator)
    response = client.post(
        save_url(room, allocations[0]), not_ideal_post(term, action="no_consensus_confirmed"), **HTMX
    )
    assert "Saved C-001 as no consensus" in response.content.decode()
    review = CaseReview.objects.get()
    assert review.consensus_reached is False and review.themes.count() == 0
    kept = ReviewAudit.objects.get(review=review).changes["Ticked before no consensus"][1]
    assert "Ideal outcome: No" in kept and "Better provision: Mainstream school or academy" in kept


def test_the_ticked_answers_can_be_put_back_in_the_form(client_for, facilitator, room, allocations, term):
    client = client_for(facilitator)
    client.post(save_url(room, allocations[0]), not_ideal_post(term, action="no_consensus_confirmed"), **HTMX)
    case_url = reverse("room_console_case", args=[room.pk, allocations[0].pk])
    page = client.get(case_url).content.decode()
    assert "Answers ticked before “No consensus” was recorded" in page
    restored = client.get(case_url + "?restore=set-aside").content.decode()
    theme = term("theme", "PARENTAL_CONFIDENCE_IN_MAINSTREAM")
    checked = [line for line in restored.split("<input") if f'value="{theme.pk}"' in line and 'name="themes"' in line]
    assert checked and " checked" in checked[0]
    assert "are back in the form" in restored
    # Saving them records the room's judgement (version 2) over the no consensus.
    client.post(save_url(room, allocations[0]), not_ideal_post(term, version=1), **HTMX)
    assert CaseReview.objects.get().consensus_reached is True


def test_a_member_of_another_la_cannot_read_what_was_set_aside(
    client_for, facilitator, outsider, room, allocations, term
):
    client_for(facilitator).post(
        save_url(room, allocations[0]), not_ideal_post(term, action="no_consensus_confirmed"), **HTMX
    )
    response = client_for(outsider).get(
        reverse("room_console_case", args=[room.pk, allocations[0].pk]) + "?restore=set-aside"
    )
    assert response.status_code == 404
