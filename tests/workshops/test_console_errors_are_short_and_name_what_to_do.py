"""The console's error summary says what to do in a few words, without repeating the long question."""

from django.urls import reverse

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_the_summary_gives_the_message_without_the_question(client_for, facilitator, room, allocations):
    response = client_for(facilitator).post(
        reverse("review_save", args=[room.pk, allocations[0].pk]), {"action": "save", "version": 0}, **HTMX
    )
    page = response.content.decode()
    summary = page.split("data-error-summary", 1)[1].split("</div>", 1)[0]
    assert "Say whether the outcome is ideal." in summary
    assert "ideal setting, or receiving the ideal support" not in summary
    assert 'data-error-for="ideal_outcome"' in summary and 'data-error-for="themes"' in summary


def test_each_question_with_an_error_is_marked_for_the_script_to_clear(client_for, facilitator, room, allocations):
    page = (
        client_for(facilitator)
        .post(reverse("review_save", args=[room.pk, allocations[0].pk]), {"action": "save", "version": 0}, **HTMX)
        .content.decode()
    )
    assert 'data-toggle-group="themes" data-has-error' in page
    assert 'aria-describedby="id_themes_error"' in page
