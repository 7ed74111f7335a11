"""Word grouping: answers that differ only in grammar count together (lemmatised with simplemma),
without dropping the words that carry meaning; a facilitator merges answers into one label (a
mapping: the answers stay as given), which the projector, the dashboards and the exports all show,
and can undo."""

import pytest
from django.urls import reverse

from analytics.reports import build_report
from analytics.scopes import Scope
from tests.fixtures import answer
from workshops.models import PollMerge, PollResponse
from workshops.polls.selectors import compute_results, poll_fingerprint
from workshops.polls.text import normalise_phrase, phrase_key


def counts(poll):
    return dict(compute_results(poll).all_words)


@pytest.mark.parametrize(
    "one,other",
    [
        ("schools", "school"),
        ("listened to", "listening"),
        ("Children", "child"),
        ("Being listened to", "being listening"),
    ],
)
def test_answers_differing_only_in_grammar_count_together(one, other):
    assert phrase_key(normalise_phrase(one)) == phrase_key(normalise_phrase(other))


@pytest.mark.parametrize("one,other", [("being heard", "heard"), ("feeling safe", "safe"), ("be happy", "happy")])
def test_meaning_words_keep_phrases_apart(one, other):
    assert phrase_key(normalise_phrase(one)) != phrase_key(normalise_phrase(other))


def test_the_cloud_shows_the_phrase_people_gave_most(phone, client, words_poll, workshop):
    answer(phone, words_poll, word=["schools", "being heard"])
    for words in (["School"], ["school"]):
        other = client.__class__()
        other.get(f"/j/{workshop.join_code}/")
        answer(other, words_poll, word=words)
    assert counts(words_poll) == {"school": 3, "being heard": 1}


def merge(client, poll, labels, into):
    return client.post(
        reverse("poll_merge", args=[poll.pk]), {"label": labels, "into": into}, follow=True
    ).content.decode()


def test_a_merged_pair_shows_once_everywhere_and_the_answers_stay_as_given(
    client_for, facilitator, room, lead, phone, words_poll, organisation
):
    answer(phone, words_poll, word=["safe", "Feeling safe", "friends"])
    before = poll_fingerprint(words_poll)
    page = merge(client_for(facilitator), words_poll, ["safe", "feeling safe"], "feeling safe")
    assert "Merged: shown as “feeling safe”" in page
    assert counts(words_poll) == {"feeling safe": 2, "friends": 1}
    assert poll_fingerprint(words_poll) != before  # the projector redraws
    assert sorted(PollResponse.objects.values_list("text", flat=True)) == ["Feeling safe", "friends", "safe"]

    words = build_report(organisation, Scope())["polls"][0]["words"]
    assert {w["word"]: w["count"] for w in words} == {"feeling safe": 2, "friends": 1}
    csv = (
        client_for(lead).get(reverse("poll_results_csv", args=[words_poll.pk])).content.decode("utf-8-sig").splitlines()
    )
    assert csv[1:] == ["feeling safe,2", "friends,1"]


def test_a_merge_is_undone(client_for, lead, phone, words_poll):
    answer(phone, words_poll, word=["safe", "feeling safe"])
    client = client_for(lead)
    merge(client, words_poll, ["safe", "feeling safe"], "Feeling safe")
    page = client.post(
        reverse("poll_unmerge", args=[words_poll.pk]), {"label": "Feeling safe"}, follow=True
    ).content.decode()
    assert "Undid the merge into “Feeling safe”" in page
    assert counts(words_poll) == {"feeling safe": 1, "safe": 1}
    assert not PollMerge.objects.exists()


def test_a_merge_of_a_merged_label_takes_in_all_its_answers(client_for, lead, phone, words_poll):
    answer(phone, words_poll, word=["safe", "feeling safe", "secure"])
    client = client_for(lead)
    merge(client, words_poll, ["safe", "feeling safe"], "feeling safe")
    merge(client, words_poll, ["feeling safe", "secure"], "safety")
    assert counts(words_poll) == {"safety": 3}


@pytest.mark.parametrize(
    "labels,into,message",
    [
        (["safe"], "safety", "Choose at least two answers to merge."),
        (["safe", "feeling safe"], "", "Type the label to show the merged answers as."),
        (["safe", "feeling safe"], "call 07911 123456", "a phone number"),
        (["safe", "nobody said this"], "safety", "Choose at least two answers to merge."),
    ],
)
def test_a_merge_that_cannot_be_done_says_why_and_changes_nothing(
    client_for, lead, phone, words_poll, labels, into, message
):
    answer(phone, words_poll, word=["safe", "feeling safe"])
    page = merge(client_for(lead), words_poll, labels, into)
    assert "Nothing merged" in page and message in page
    assert not PollMerge.objects.exists()
