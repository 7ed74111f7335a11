"""A refused answer on a phone keeps every box as typed and marks the box at fault with the reason;
the count of characters is there as they type, and nothing is cut short by the page."""

import re

from tests.fixtures import answer
from workshops.models import PollResponse


def test_a_refused_box_is_marked_and_every_box_comes_back_as_typed(phone, words_poll):
    too_long = "a very long answer that goes past forty characters"
    response = answer(phone, words_poll, word=["friends", too_long, "being heard"])
    page = response.content.decode()
    assert response.status_code == 400
    assert not PollResponse.objects.exists()
    for typed in ("friends", too_long, "being heard"):
        assert f'value="{typed}"' in page
    box = f'id="poll-{words_poll.pk}-word-2"'
    marked = page[page.index(f'id="poll-{words_poll.pk}-word-2-error"') : page.index(box)]
    assert f"This answer has {len(too_long)} characters: shorten it to 40 or fewer." in marked
    assert page.count('aria-invalid="true"') == 1
    tag = page[page.rindex("<input", 0, page.index(box)) : page.index(">", page.index(box))]
    assert "is-invalid" in tag and 'aria-invalid="true"' in tag
    assert f'href="#poll-{words_poll.pk}-word-2">Box 2:' in page  # the summary links to the box


def test_two_refused_boxes_are_both_marked(phone, words_poll):
    page = answer(phone, words_poll, word=["call 07911 123456", "friends", "the"]).content.decode()
    assert "Box 1: " in page and "Box 3: " in page and "Box 2: " not in page
    assert page.count('aria-invalid="true"') == 2


def test_the_role_chosen_is_kept_after_a_refusal(phone, words_poll):
    page = answer(phone, words_poll, word=["x" * 41], role="health").content.decode()
    assert '<option value="health" selected>' in page


def test_the_boxes_cut_nothing_and_count_characters(phone, words_poll):
    page = phone.get(f"/j/{words_poll.workshop.join_code}/").content.decode()
    box = re.search(rf'<input[^>]*id="poll-{words_poll.pk}-word-1"[^>]*>', page).group(0)
    assert "maxlength" not in box and 'data-max-length="40"' in box
    assert "0 of 40 characters" in page


def test_a_good_answer_still_goes_through_after_a_refusal(phone, words_poll):
    answer(phone, words_poll, word=["friends", "x" * 41])
    page = answer(phone, words_poll, word=["friends", "being heard"]).content.decode()
    assert "Thank you, your answer is in." in page
    assert sorted(PollResponse.objects.values_list("text", flat=True)) == ["being heard", "friends"]
