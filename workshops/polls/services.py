"""Writes of polls: a phone's answer; the lead's open / close / reset; approving, hiding and
merging answers; telling the phones that follow the presenter what changed."""

import unicodedata
from contextlib import nullcontext

from django.core.cache import cache
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from analytics.snapshots import POLL_ANSWERS_COALESCE_SECONDS, refresh_after_commit
from casereview.identifiers import reject_attendee_identifiers, reject_identifiers
from casereview.metrics import POLL_ANSWERS
from casereview.names import given_names, looks_like_a_name
from workshops.models import Discipline, Poll, PollMerge, PollResponse, PollSettings, Workshop
from workshops.polls.selectors import SHOWN, current_responses, label_keys, phone_answers_now, with_keys
from workshops.polls.text import (
    DEFAULT_BLOCKED_WORDS,
    MAX_PHRASE_LENGTH,
    bidi_controls_in,
    blocked_words_in,
    load_dictionaries,
    normalise_phrase,
    parse_blocked_words,
    phrase_key,
)
from workshops.polls.versions import (
    LIVE_VERSION_SECONDS,
    forget_live_version,
    live_version_from_database,
    live_version_key,
)


def load_word_dictionaries() -> None:
    """Load what grouping a word answer, and seeing a name in it, needs, before the first answer arrives."""
    load_dictionaries()
    given_names()


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
    POLL_ANSWERS.inc(len(rows))


def _check_phrase(phrase: str, blocked: list[str]) -> tuple[str, str]:
    """The phrase's normalised form and lemma, or ValidationError saying why it cannot be shown."""
    if any(unicodedata.category(character) == "Cc" for character in phrase):
        raise ValidationError("Use letters, numbers and punctuation only.")
    if bidi_controls_in(phrase):
        raise ValidationError(
            "Your answer holds hidden characters that change the direction of text. Please type it again."
        )
    if len(phrase) > MAX_PHRASE_LENGTH:
        raise ValidationError(f"This answer has {len(phrase)} characters: shorten it to {MAX_PHRASE_LENGTH} or fewer.")
    reject_attendee_identifiers(phrase)
    if blocked_words_in(phrase, blocked):
        raise ValidationError("Please rephrase: one of your words is not allowed on the shared screen.")
    normalised = normalise_phrase(phrase)
    if not normalised:
        raise ValidationError(
            f"“{phrase}” on its own is too general for the word cloud: try a word that says what you mean."
        )
    return normalised, phrase_key(normalised)


def _blocked_of(poll: Poll) -> list[str]:
    settings = _settings_of(poll.workshop.organisation)
    return parse_blocked_words(settings.blocked_words) if settings.profanity_filter_on else []


def poll_answer(
    *, poll: Poll, phone: str, words=(), choice: str = "", value: int | None = None, role: str = ""
) -> list[PollResponse]:
    """Store one phone's answer to a poll and return the phone's answers to the poll's current
    round, by slot (what its card shows); or raise ValidationError with a message for the phone.

    Words fill the phone's free slots up to the poll's limit; a choice or scale answer replaces
    the phone's earlier one. The database's unique (poll, round, phone, slot) keeps both rules
    even when the same phone sends twice at once.

    ``poll`` must be current (its state decides): read in this request, or kept by
    ``versions.poll_to_answer``, with ``select_related("workshop__organisation__poll_settings")``."""
    _refuse_unless_taking_answers(poll, role)
    base = {"poll": poll, "round": poll.round, "phone": phone, "role": role}
    if poll.kind == Poll.Kind.WORDS:
        answers = _words_answer(poll, base, words)
    else:
        answers = _one_answer(poll, base, choice, value)
    _refresh_reports(poll)
    return answers


def _refuse_unless_taking_answers(poll: Poll, role: str) -> None:
    if poll.workshop.status == Workshop.Status.CLOSED:
        raise ValidationError("This workshop has ended, so its polls no longer take answers.")
    if not poll.is_open:
        raise ValidationError("This poll is closed. Wait for the facilitator to open it.")
    if role and role not in Discipline.values:
        raise ValidationError("Choose a role from the list, or leave it empty.")


def _words_answer(poll: Poll, base: dict, words) -> list[PollResponse]:
    """Words into the phone's free slots: every answer of the phone to this round, by slot."""
    boxes = _filled_boxes(words)
    # The phone's earlier answers, whole: their slots decide the free ones, and with the new
    # rows they are what the phone's card shows (no second query).
    earlier = phone_answers_now(poll, base["phone"])
    free = _free_slots(poll, earlier, wanted=len(boxes))
    checked = _checked_phrases(boxes, _blocked_of(poll))
    approved = not poll.needs_approval
    rows = [
        PollResponse(
            **base,
            slot=slot,
            text=text,
            normalised=normalised,
            lemma=lemma,
            approved=approved,
            may_be_name=looks_like_a_name(text) is not None,
        )
        for slot, (text, normalised, lemma) in zip(free, checked)
    ]
    try:
        _insert(rows)
    except IntegrityError:
        raise ValidationError("Your phone sent two answers at once. Please send yours again.") from None
    return sorted(earlier + rows, key=lambda response: response.slot)


def _filled_boxes(words) -> list[tuple[int, str]]:
    """(box number, phrase) of each box with something in it. Boxes are numbered as the phone
    showed them (1, 2, 3), empty ones included, so a refused answer is reported against the box
    that holds it."""
    boxes = [(number, " ".join(w.split())) for number, w in enumerate(words, start=1) if w and w.strip()]
    if not boxes:
        raise ValidationError({"word-1": ["Type at least one word or short phrase."]})
    return boxes


def _free_slots(poll: Poll, earlier: list[PollResponse], *, wanted: int) -> list[int]:
    """The slots the phone has not used yet; refused when there are fewer than ``wanted``."""
    used = {response.slot for response in earlier}
    free = [slot for slot in range(1, poll.words_per_attendee + 1) if slot not in used]
    if wanted > len(free):
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    f"You can give {poll.words_per_attendee} answers to this poll"
                    + (f" and have {len(free)} left." if free else ", and you have given them all. Thank you!")
                ]
            }
        )
    return free


def _checked_phrases(boxes: list[tuple[int, str]], blocked: list[str]) -> list[tuple[str, str, str]]:
    """(text, normalised, lemma) of each box's phrase; refused, box by box, when any fails a check."""
    checked, errors = [], {}
    for number, phrase in boxes:
        try:
            checked.append((phrase, *_check_phrase(phrase, blocked)))
        except ValidationError as error:
            errors[f"word-{number}"] = error.messages
    if errors:
        raise ValidationError(errors)
    return checked


def _one_answer(poll: Poll, base: dict, choice: str, value: int | None) -> list[PollResponse]:
    """A choice or a scale value, in the phone's one slot: the phone's answer to this round."""
    if poll.kind == Poll.Kind.CHOICE:
        if choice not in poll.options:
            raise ValidationError("Choose one of the options.")
        answer = {"choice": choice}
    else:
        if value is None or not 1 <= value <= poll.scale_max:
            raise ValidationError(f"Choose a number from 1 to {poll.scale_max}.")
        answer = {"value": value}
    # One statement: a first answer inserts, a change updates the phone's row in place (INSERT ...
    # ON CONFLICT DO UPDATE), so two sends at once can neither both insert nor fail.
    response = PollResponse(**base, slot=1, **answer)
    PollResponse.objects.bulk_create(
        [response],
        update_conflicts=True,
        unique_fields=["poll", "round", "phone", "slot"],
        update_fields=[*answer, "role", "updated_at"],
    )
    POLL_ANSWERS.inc()
    return [response]


def words_answer_record(*, poll: Poll, phone: str, text: str, role: str = "") -> PollResponse:
    """Store a words answer given away from a phone (the demo, answers collected on paper), whether
    or not the poll is open now, through the same checks as a phone's answer. Staff type these,
    so they count as approved."""
    normalised, lemma = _check_phrase(text, _blocked_of(poll))
    response = PollResponse(
        poll=poll,
        round=poll.round,
        phone=phone,
        slot=1,
        text=text,
        normalised=normalised,
        lemma=lemma,
        role=role,
        may_be_name=looks_like_a_name(text) is not None,
    )
    _insert([response])
    _refresh_reports(poll)
    return response


def _refresh_reports(poll: Poll) -> None:
    """Poll answers count in the LA overview and the workshop's dashboard: refreshed once a
    minute at most while answers arrive (the projector is where they are seen live)."""
    refresh_after_commit(
        poll.workshop.organisation_id, ["all", f"workshop:{poll.workshop_id}"], after=POLL_ANSWERS_COALESCE_SECONDS
    )


# --- Following the presenter ------------------------------------------------------------------


def announce_polls_changed(workshop: Workshop) -> None:
    """After the change commits, put the version the phones compare against in the cache, so their
    next check sees it (the check itself never reads the database while the cache has it)."""

    def publish():
        join_code = workshop.join_code
        forget_live_version(join_code)
        # With Redis down the cache does nothing (casereview/cache.py) and a check reads the database.
        cache.set(live_version_key(join_code), live_version_from_database(join_code), LIVE_VERSION_SECONDS)

    transaction.on_commit(publish)


def poll_settings_saved(*, organisation) -> None:
    """The LA changed its rules for answers: a new version for each of its running workshops, so
    web processes read their polls (and these rules) again before the next answer."""
    for workshop in Workshop.objects.filter(organisation=organisation).exclude(status=Workshop.Status.CLOSED):
        announce_polls_changed(workshop)


def poll_saved(*, poll: Poll) -> None:
    """A poll was created or edited: an open one may have changed its question or options."""
    announce_polls_changed(poll.workshop)


def poll_set_open(*, poll: Poll, is_open: bool) -> None:
    Poll.objects.filter(pk=poll.pk).update(is_open=is_open)
    announce_polls_changed(poll.workshop)


def poll_reset(*, poll: Poll) -> None:
    """Start a new round: the screen starts empty, the code stays, earlier answers are kept."""
    Poll.objects.filter(pk=poll.pk).update(round=F("round") + 1)
    _refresh_reports(poll)
    announce_polls_changed(poll.workshop)


# --- Approving, hiding, merging --------------------------------------------------------------------


def response_set_hidden(*, response: PollResponse, hidden: bool) -> None:
    """Hide an answer, or show it again (which approves it: a person has now looked at it)."""
    response.hidden = hidden
    if not hidden:
        response.approved = True
    response.save(update_fields=["hidden", "approved", "updated_at"])
    _refresh_reports(response.poll)


def responses_moderate(*, poll: Poll, ids, approve: bool, names_too: bool = False) -> int:
    """Approve (shown from now on) or hide (kept, never shown) answers of this poll's round, one
    or several at once. Ids of another poll or round are ignored. Returns how many changed.

    An answer that may be a name is approved only with its own tap (``names_too``, one answer):
    approving several at once leaves it waiting."""
    changes = {"approved": True, "hidden": False} if approve else {"hidden": True}
    chosen = current_responses(poll).filter(pk__in=list(ids))
    if approve and not names_too:
        chosen = chosen.exclude(approved=False, may_be_name=True)
    changed = chosen.update(**changes, updated_at=timezone.now())
    if changed:
        _refresh_reports(poll)
    return changed


def label_hide(*, poll: Poll, label: str) -> list[int]:
    """The presenter's quick hide (from the Moderate page): every shown answer of this round
    counted under ``label``. Returns the ids it hid, which ``label_show`` takes to undo it."""
    keys = label_keys(poll).get(label)
    if not keys:
        return []
    with transaction.atomic():
        # Locked so that the ids returned are exactly the answers hidden, for the Undo.
        chosen = current_responses(poll).filter(SHOWN).filter(with_keys(keys)).select_for_update()
        ids = list(chosen.values_list("pk", flat=True))
        PollResponse.objects.filter(pk__in=ids).update(hidden=True, updated_at=timezone.now())
    _refresh_reports(poll)
    return ids


def label_show(*, poll: Poll, ids) -> int:
    """Undo a quick hide: show again the answers ``label_hide`` hid (its ids). Only this poll's
    round's hidden answers change, so ids sent by hand can reach nothing else."""
    changed = (
        current_responses(poll)
        .filter(pk__in=list(ids), hidden=True)
        .update(hidden=False, approved=True, updated_at=timezone.now())
    )
    if changed:
        _refresh_reports(poll)
    return changed


def _touch(poll: Poll, keys) -> None:
    # A merge changes what the answers are shown as, not the answers: touching them tells the
    # projector and the report snapshots (whose fingerprints read updated_at) to recompute.
    PollResponse.objects.filter(with_keys(keys), poll=poll).update(updated_at=timezone.now())
    _refresh_reports(poll)


def words_merge(*, poll: Poll, labels, into: str) -> str:
    """Show the answers now shown as any of ``labels`` as one label, ``into``; or ValidationError.
    A mapping only: the answers keep their text, and ``words_unmerge`` undoes it."""
    into = " ".join(into.split())
    if not into:
        raise ValidationError("Type the label to show the merged answers as.")
    if len(into) > 60:
        raise ValidationError(f"The label has {len(into)} characters: keep it to 60 or fewer.")
    reject_identifiers(into)
    keys_of = label_keys(poll)
    chosen = [label for label in dict.fromkeys(labels) if label in keys_of]
    if len(chosen) < 2:
        raise ValidationError("Choose at least two answers to merge.")
    keys = set().union(*(keys_of[label] for label in chosen))
    with transaction.atomic():
        for key in keys:
            PollMerge.objects.update_or_create(poll=poll, key=key, defaults={"label": into})
        _touch(poll, keys)
    return into


def words_unmerge(*, poll: Poll, label: str) -> int:
    """Undo a merge: the answers mapped to ``label`` are shown as they were given again."""
    with transaction.atomic():
        keys = list(poll.merges.filter(label=label).values_list("key", flat=True))
        poll.merges.filter(label=label).delete()
        if keys:
            _touch(poll, keys)
    return len(keys)
