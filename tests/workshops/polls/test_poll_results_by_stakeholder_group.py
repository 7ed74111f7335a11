"""A poll that asks for the role shows its results side by side per stakeholder group, on the
projector's table, in the poll's CSV and on the dashboard with its download, with n (phones) per
group and groups under 5 flagged as small numbers."""

from django.urls import reverse

from analytics.report_tables import tables_of
from analytics.reports import build_report
from analytics.scopes import Scope
from workshops.models import PollResponse
from workshops.polls.selectors import compute_results


def give(poll, phone, role, **answer):
    slot = PollResponse.objects.filter(poll=poll, phone=phone).count() + 1
    PollResponse.objects.create(poll=poll, round=1, phone=phone, slot=slot, role=role, **answer)


def parents_and_schools(poll):
    for n in range(5):
        give(poll, f"parent{n}", "parent_carer_forum", text="being heard", normalised="being heard", lemma="be hear")
    give(poll, "parent0", "parent_carer_forum", text="friends", normalised="friends", lemma="friend")
    for n in range(2):
        give(poll, f"school{n}", "school", text="friends", normalised="friends", lemma="friend")
    give(poll, "nobody", "", text="friends", normalised="friends", lemma="friend")


def test_words_results_are_side_by_side_per_group_with_n_and_small_flags(words_poll):
    parents_and_schools(words_poll)
    results = compute_results(words_poll)
    assert [(g.label, g.phones, g.answers, g.small) for g in results.groups] == [
        ("Parent carer forum", 5, 6, False),
        ("School / SENCO", 2, 2, True),
    ]
    assert results.compare == [("being heard", [5, 0]), ("friends", [1, 2])]


def test_choice_results_are_side_by_side_per_group(choice_poll):
    choice_poll.ask_role = True
    choice_poll.save()
    give(choice_poll, "p1", "health", choice="Secondary")
    give(choice_poll, "p2", "school", choice="Early years")
    give(choice_poll, "p3", "school", choice="Secondary")
    results = compute_results(choice_poll)
    assert [g.label for g in results.groups] == ["Health", "School / SENCO"]
    assert results.compare == [("Early years", [0, 1]), ("Secondary", [1, 1])]


def test_the_poll_csv_has_a_column_per_group_with_its_n(client_for, viewer, words_poll):
    parents_and_schools(words_poll)
    lines = (
        client_for(viewer)
        .get(reverse("poll_results_csv", args=[words_poll.pk]))
        .content.decode("utf-8-sig")
        .splitlines()
    )
    assert lines[0] == 'answer,count,Parent carer forum (n=5 phones),"School / SENCO (n=2 phones, small number)"'
    assert lines[1:] == ["being heard,5,5,0", "friends,4,1,2"]


def test_the_dashboard_compares_groups_side_by_side_and_flags_small_ones(words_poll, organisation):
    parents_and_schools(words_poll)
    figures = build_report(organisation, Scope())
    poll = figures["polls"][0]
    assert [(g["label"], g["phones"], g["small"]) for g in poll["by_role"]] == [
        ("Parent carer forum", 5, False),
        ("School / SENCO", 2, True),
    ]
    assert poll["compare"] == [{"word": "being heard", "counts": [5, 0]}, {"word": "friends", "counts": [1, 2]}]
    table = tables_of(figures)[f"poll-{words_poll.pk}-roles"]
    assert table.columns == ["Answer", "Parent carer forum (n=5 phones)", "School / SENCO (n=2 phones)"]
    assert table.rows[-1] == ["Note", "", "Small number (fewer than 5 phones: treat with caution)"]


def test_every_row_of_the_poll_csv_carries_its_group_counts_beyond_the_ten_compared(client_for, viewer, words_poll):
    """Issue 33: the CSV lost the group counts after row 10 (`listened to,2,,,,`)."""
    words = [f"word {chr(97 + n)}" for n in range(14)]
    for n, word in enumerate(words):
        for k in range(14 - n):  # each word given a different number of times, so the order is fixed
            give(words_poll, f"parent{k}", "parent_carer_forum", text=word, normalised=word, lemma=word)
        give(words_poll, f"school{n}", "school", text=word, normalised=word, lemma=word)
    lines = (
        client_for(viewer)
        .get(reverse("poll_results_csv", args=[words_poll.pk]))
        .content.decode("utf-8-sig")
        .splitlines()[1:]
    )
    assert len(lines) == 14
    for line in lines:
        answer, count, parents, schools = line.split(",")
        assert int(parents) + int(schools) == int(count), line
