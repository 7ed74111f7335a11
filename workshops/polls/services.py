"""Writes of polls: a phone's answer, and the lead's open / close / reset / hide."""

import unicodedata
from contextlib import nullcontext

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from analytics.snapshots import refresh_after_commit
from casereview.identifiers import reject_attendee_identifiers
from workshops.models import Discipline, Poll, PollResponse, PollSettings, Workshop
from workshops.polls.text import (
    DEFAULT_BLOCKED_WORDS,
    MAX_PHRASE_LENGTH,
    bidi_controls_in,
    blocked_words_in,
    normalise_phrase,
    parse_blocked_words,
)


def poll_settings_of(organisation) -> PollSettings:
    settings, _ = PollSettings.objects.get_or_create(
        organisation=organisation, defaults={"blocked_words": "\n".join(DEFAULT_BLOCKED_WORDS)}
    )
    return settings


def _settings_of(organisation) -> PollSettings:
    try:
        return organisation.poll_settings  # usually read with the poll
    except PollSettings.DoesNotExist:
        return poll_settings_of(organisation)


def _insert(rows: list[PollResponse]) -> None:
    """One INSERT statement, which is atomic by itself: outside a transaction no BEGIN and COMMIT
    round trips are spent on the commonest request of the day. Inside a caller's transaction, a
    savepoint keeps that transaction usable when the INSERT meets a duplicate."""
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        if len(rows) == 1:
            rows[0].save(force_insert=True)
        else:
            PollResponse.objects.bulk_create(rows)  # one statement too (bulk_create adds its own BEGIN)


def _check_phrase(phrase: str, blocked: list[str]) -> str:
    """The phrase's normalised form, or ValidationError saying why it cannot be shown."""
    if any(unicodedata.category(character) == "Cc" for character in phrase):
        raise ValidationError("Use letters, numbers and punctuation only.")
    if bidi_controls_in(phrase):
        raise ValidationError("Your answer holds hidden characters that change the direction of text. Please type it again.")
    if len(phrase) > MAX_PHRASE_LENGTH:
        raise ValidationError(f"“{phrase[:20]}…” is too long: keep each answer to {MAX_PHRASE_LENGTH} characters.")
    reject_attendee_identifiers(phrase)
    if blocked_words_in(phrase, blocked):
        raise ValidationError("Please rephrase: one of your words is not allowed on the shared screen.")
    normalised = normalise_phrase(phrase)
    if not normalised:
        raise ValidationError(f"“{phrase}” on its own is too general for the word cloud: try a word that says what you mean.")
    return normalised


def poll_answer(*, poll: Poll, phone: str, words=(), choice: str = "", value: int | None = None, role: str = ""):
    """Store one phone's answer to a poll, or raise ValidationError with a message for the phone.

    Words fill the phone's free slots up to the poll's limit; a choice or scale answer replaces
    the phone's earlier one. The database's unique (poll, round, phone, slot) keeps both rules
    even when the same phone sends twice at once.

    ``poll`` must have been read in this request (its state decides); read it with
    ``select_related("workshop__organisation__poll_settings")`` to save queries."""
    if poll.workshop.status == Workshop.Status.CLOSED:
        raise ValidationError("This workshop has ended, so its polls no longer take answers.")
    if not poll.is_open:
        raise ValidationError("This poll is closed. Wait for the facilitator to open it.")
    if role and role not in Discipline.values:
        raise ValidationError("Choose a role from the list, or leave it empty.")
    base = {"poll": poll, "round": poll.round, "phone": phone, "role": role}

    if poll.kind == Poll.Kind.WORDS:
        phrases = [" ".join(w.split()) for w in words if w and w.strip()]
        if not phrases:
            raise ValidationError("Type at least one word or short phrase.")
        used = PollResponse.objects.filter(poll=poll, round=poll.round, phone=phone).values_list("slot", flat=True)
        free = [slot for slot in range(1, poll.words_per_attendee + 1) if slot not in set(used)]
        if len(phrases) > len(free):
            raise ValidationError(
                f"You can give {poll.words_per_attendee} answers to this poll"
                + (f" and have {len(free)} left." if free else ", and you have given them all. Thank you!")
            )
        settings = _settings_of(poll.workshop.organisation)
        blocked = parse_blocked_words(settings.blocked_words) if settings.profanity_filter_on else []
        rows = [PollResponse(**base, slot=slot, text=p, normalised=_check_phrase(p, blocked)) for slot, p in zip(free, phrases)]
        try:
            _insert(rows)
        except IntegrityError:
            raise ValidationError("Your phone sent two answers at once. Please send yours again.") from None
        _refresh_reports(poll)
        return rows

    if poll.kind == Poll.Kind.CHOICE:
        if choice not in poll.options:
            raise ValidationError("Choose one of the options.")
        answer = {"choice": choice}
    else:
        if value is None or not 1 <= value <= poll.scale_max:
            raise ValidationError(f"Choose a number from 1 to {poll.scale_max}.")
        answer = {"value": value}
    try:
        with transaction.atomic():
            response, _ = PollResponse.objects.update_or_create(
                poll=poll, round=poll.round, phone=phone, slot=1, defaults={**answer, "role": role}
            )
    except IntegrityError:
        raise ValidationError("Your phone sent two answers at once. Please send yours again.") from None
    _refresh_reports(poll)
    return [response]


def words_answer_record(*, poll: Poll, phone: str, text: str, role: str = "") -> PollResponse:
    """Store a words answer given away from a phone (the demo, answers collected on paper), whether
    or not the poll is open now, through the same checks as a phone's answer."""
    settings = _settings_of(poll.workshop.organisation)
    blocked = parse_blocked_words(settings.blocked_words) if settings.profanity_filter_on else []
    response = PollResponse(poll=poll, round=poll.round, phone=phone, slot=1, text=text,
                            normalised=_check_phrase(text, blocked), role=role)
    _insert([response])
    _refresh_reports(poll)
    return response


def _refresh_reports(poll: Poll) -> None:
    """Poll answers count in the LA overview and the workshop's dashboard."""
    refresh_after_commit(poll.workshop.organisation_id, ["all", f"workshop:{poll.workshop_id}"])


def poll_set_open(*, poll: Poll, is_open: bool) -> None:
    Poll.objects.filter(pk=poll.pk).update(is_open=is_open)


def poll_reset(*, poll: Poll) -> None:
    """Start a new round: the screen starts empty, the code stays, earlier answers are kept."""
    Poll.objects.filter(pk=poll.pk).update(round=F("round") + 1)
    _refresh_reports(poll)


def response_set_hidden(*, response: PollResponse, hidden: bool) -> None:
    response.hidden = hidden
    response.save(update_fields=["hidden", "updated_at"])
    _refresh_reports(response.poll)
