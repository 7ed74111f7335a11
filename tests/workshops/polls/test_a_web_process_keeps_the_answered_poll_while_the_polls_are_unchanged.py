"""Each web process keeps the poll a phone answers (with its workshop and the LA's rules) while
the workshop's live version in the cache is unchanged (issue 23: the busiest request of the day
reads one table, not four). The version changes as a change commits, in whichever process made
it, so a kept poll never answers differently from a fresh read."""

from django.core.cache import cache

from workshops.models import Poll, PollResponse, Workshop
from workshops.polls import versions
from workshops.polls.services import poll_set_open
from workshops.polls.versions import live_version_from_database, live_version_key, poll_to_answer


def send(client, poll, **data):
    return client.post(f"/j/{poll.workshop.join_code}/polls/{poll.pk}/", data, HTTP_HX_REQUEST="true")


def published_elsewhere(code: str) -> None:
    """What another web process does as its change commits: the new version into the shared cache
    (this process's own memory of the last second is not told)."""
    cache.set(live_version_key(code), live_version_from_database(code), versions.LIVE_VERSION_SECONDS)


def test_the_same_poll_is_kept_while_nothing_changes(phone, words_poll):
    published_elsewhere(words_poll.workshop.join_code)  # the fixture made the poll without announcing it
    send(phone, words_poll, word=["friends"])
    assert poll_to_answer(words_poll.workshop.join_code, words_poll.pk) is poll_to_answer(
        words_poll.workshop.join_code, words_poll.pk
    )


def test_a_poll_made_without_announcing_it_is_never_kept_against_an_old_version(phone, words_poll):
    """The phone's page put the version of "no poll open" in the cache before the poll existed;
    closing the poll brings that same version back. The poll read while it was open must not pass
    for current then."""
    assert send(phone, words_poll, word=["friends"]).status_code == 200
    Poll.objects.filter(pk=words_poll.pk).update(is_open=False)
    published_elsewhere(words_poll.workshop.join_code)
    assert "This poll is closed" in send(phone, words_poll, word=["safe"]).content.decode()


def test_a_poll_closed_by_the_lead_refuses_the_next_answer(phone, words_poll, django_capture_on_commit_callbacks):
    assert send(phone, words_poll, word=["friends"]).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        poll_set_open(poll=Poll.objects.select_related("workshop").get(pk=words_poll.pk), is_open=False)
    response = send(phone, words_poll, word=["safe"])
    assert response.status_code == 400 and "This poll is closed" in response.content.decode()
    assert list(PollResponse.objects.values_list("text", flat=True)) == ["friends"]


def test_a_change_committed_by_another_web_process_applies_to_the_next_answer(phone, words_poll, choice_poll):
    code = words_poll.workshop.join_code
    send(phone, words_poll, word=["friends"])
    send(phone, choice_poll, choice="Secondary")
    # Another process resets the words poll (a new round) and ends nothing else.
    Poll.objects.filter(pk=words_poll.pk).update(round=2)
    published_elsewhere(code)
    assert send(phone, words_poll, word=["new round"]).status_code == 200
    assert sorted(PollResponse.objects.filter(poll=words_poll).values_list("round", "text")) == [
        (1, "friends"),
        (2, "new round"),
    ]
    # It ends the workshop: no poll takes answers any more.
    Workshop.objects.filter(pk=words_poll.workshop_id).update(status=Workshop.Status.CLOSED)
    published_elsewhere(code)
    response = send(phone, choice_poll, choice="Early years")
    assert response.status_code == 400 and "This workshop has ended" in response.content.decode()
    assert PollResponse.objects.get(poll=choice_poll).choice == "Secondary"


def test_a_kept_poll_is_read_again_after_a_while_even_with_no_new_version(phone, words_poll, monkeypatch):
    code = words_poll.workshop.join_code
    published_elsewhere(code)
    kept = poll_to_answer(code, words_poll.pk)
    assert poll_to_answer(code, words_poll.pk) is kept
    monkeypatch.setattr(versions, "ANSWERED_POLL_MEMO_SECONDS", 0)
    assert poll_to_answer(code, words_poll.pk) is not kept


def test_a_look_alike_code_or_another_workshops_poll_is_never_kept_for_the_wrong_code(
    words_poll, workshop, organisation
):
    other = Workshop.objects.create(
        organisation=organisation, title="Other", date=workshop.date, status=Workshop.Status.LIVE
    )
    assert poll_to_answer(other.join_code, words_poll.pk) is None
    assert poll_to_answer(workshop.join_code.lower(), words_poll.pk).pk == words_poll.pk  # read, as typed codes are
    assert (workshop.join_code.lower(), words_poll.pk) not in versions._answered_polls
