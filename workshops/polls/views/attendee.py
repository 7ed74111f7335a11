"""The attendee's phone: join with a code, answer polls. No account; a signed cookie identifies
the phone to a poll and grants nothing else."""

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import messages
from django.contrib.messages.storage.base import Message
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from casereview.client_ip import client_ip
from casereview.numbers import whole_number
from workshops.models import JOIN_CODE_LENGTH, Discipline, Poll, Workshop, join_code_candidates
from workshops.polls import services
from workshops.polls.follow import (
    CARDS_HEADERS,
    FOLLOW_EVERY_MS,
    FOLLOW_JITTER_MS,
    can_be_code,
    cards_kept_under,
    follow_answer,
    is_open_code,
    keep_shared_cards,
    kept_shared_cards,
    note_open_code,
    refused_as_guesser,
)
from workshops.polls.limits import (
    count_join_miss,
    limit_answers,
    limit_join,
    limit_page_opens,
    refuse_guessers,
    slow_down,
)
from workshops.polls.selectors import phone_answers, workshop_for_code
from workshops.polls.text import MAX_PHRASE_LENGTH
from workshops.polls.versions import live_version, open_polls_with_version, poll_to_answer

PHONE_COOKIE = "casereview_phone"
PHONE_COOKIE_SALT = "casereview.attendee-phone"
PHONE_COOKIE_AGE = 60 * 60 * 24 * 30
# A workshop's page with no open poll and the page for a code that matches no open workshop are
# padded to a whole number of these, so that their sizes do not tell a guesser which is which.
PAGE_SIZE_CLASS = 8192


@limit_join
def join(request):
    """Type the code shown on the screen."""
    raw = request.GET.get("code", "").strip()
    if not raw:
        return render(request, "workshops/attendee/join.html", {"code": ""})
    workshop = workshop_for_code(raw)
    if workshop is None or workshop.status == Workshop.Status.CLOSED:
        # An unknown code and an ended workshop's code are answered alike, so that a guesser
        # cannot tell which codes exist.
        return render(request, "workshops/attendee/join.html", _no_workshop_context(raw), status=404)
    note_open_code(workshop.join_code)
    return redirect("attend", code=workshop.join_code)


def _no_workshop_context(typed: str) -> dict:
    error = (
        f"No open workshop has the code “{typed[:12]}”. Check the code on the screen: it has {JOIN_CODE_LENGTH} "
        "letters and numbers. If the workshop has ended, its polls no longer take answers."
    )
    return {"error": error, "code": typed[:12]}


def _phone(request):
    return request.get_signed_cookie(PHONE_COOKIE, default=None, salt=PHONE_COOKIE_SALT)


@dataclass
class PollCard:
    """One open poll as a phone shows it; after a refused answer, the boxes as typed and what was wrong."""

    poll: Poll
    mine: list
    notices: list
    typed: list = field(default_factory=list)
    errors: dict = field(default_factory=dict)
    role: str = ""  # the role chosen with a refused answer, chosen again for the phone

    @property
    def words_left(self) -> int:
        return self.poll.words_per_attendee - len(self.mine)

    @property
    def word_boxes(self) -> list[tuple[int, str, list]]:
        """(box number, text typed, its errors). A few boxes at a time keep a small screen calm."""
        count = max(min(self.words_left, 3), len(self.typed))
        typed = self.typed + [""] * (count - len(self.typed))
        return [(number, text, self.errors.get(f"word-{number}", [])) for number, text in enumerate(typed, start=1)]

    @property
    def general_errors(self) -> list:
        return self.errors.get(NON_FIELD_ERRORS, [])

    @property
    def waiting(self) -> int:
        return sum(1 for response in self.mine if not response.approved and not response.hidden)

    @property
    def chosen_role(self) -> str:
        """The role the form shows chosen: as sent with a refused answer, else as last given."""
        if self.typed:
            return self.role
        return self.mine[0].role if self.mine else ""

    @property
    def scale_values(self) -> range:
        return range(1, self.poll.scale_max + 1)


def _card_context(code: str) -> dict:
    """What every poll card needs besides its card: the same on the page, alone and shared."""
    return {"code": code, "disciplines": Discipline.choices, "max_length": MAX_PHRASE_LENGTH}


def _render_attend(request, workshop, phone, *, failed=None, status=200):
    """The workshop's page on a phone: every open poll. ``failed`` is the card of a refused
    answer, so the page shows what was typed and marks the box at fault."""
    notices = {}
    for message in messages.get_messages(request):
        notices.setdefault(message.extra_tags, []).append(message)
    cards = []
    for poll in workshop.polls.filter(is_open=True):
        card = (
            failed if failed and failed.poll.pk == poll.pk else PollCard(poll, [], notices.get(f"poll-{poll.pk}", []))
        )
        card.mine = list(phone_answers(poll, phone))
        cards.append(card)
    response = render(
        request,
        "workshops/attendee/attend.html",
        {
            **_card_context(workshop.join_code),
            "workshop": workshop,
            "cards": cards,
            "version": live_version(workshop.join_code),
            "follow_every": f"{FOLLOW_EVERY_MS} {FOLLOW_JITTER_MS}",
        },
        status=status,
    )
    return _as_every_phone_page(response, phone)


def _as_every_phone_page(response, phone: str):
    """The phone's cookie, and the padding to a whole size class (``PAGE_SIZE_CLASS``)."""
    response.set_signed_cookie(
        PHONE_COOKIE,
        phone,
        salt=PHONE_COOKIE_SALT,
        max_age=PHONE_COOKIE_AGE,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )
    # Spaces after the page's end are no part of the document.
    response.content += b" " * (-len(response.content) % PAGE_SIZE_CLASS)
    return response


@refuse_guessers
@limit_page_opens
def attend(request, code):
    if not join_code_candidates(code):  # nothing a code could be (its shape tells no secret)
        return redirect(f"{reverse('join')}?code={code[:12]}")
    workshop = workshop_for_code(code)
    if workshop is None or workshop.status == Workshop.Status.CLOSED:
        return _no_workshop_page(request, code)
    if code != workshop.join_code:
        return redirect("attend", code=workshop.join_code)
    note_open_code(workshop.join_code)
    return _render_attend(request, workshop, _phone(request) or secrets.token_hex(16))


def _no_workshop_page(request, code):
    """A code that matches no open workshop: the join page saying so, answered as a workshop's page
    is (200, the same cookies, the same size class), so that a guesser cannot tell it from an open
    workshop's with no open poll. The code counts as a miss against the client's join-miss limit."""
    if count_join_miss(client_ip(request), code):
        return slow_down(request)
    get_token(request)  # the form token cookie a workshop's page sets
    response = render(request, "workshops/attendee/join.html", _no_workshop_context(code))
    return _as_every_phone_page(response, _phone(request) or secrets.token_hex(16))


@require_GET
def follow(request, code):
    """What a phone on the workshop's page asks every 4 to 6 seconds: has the set of open polls
    changed? Nearly free: the version comes from the cache (the database only on a miss), no
    session or cookie is read or written, and an unchanged version answers 204 (or 304 to an
    If-None-Match) with no body. A changed one answers its version; the page then reloads its
    polls, keeping what the attendee is typing (static/js/poll-phone.js). In web processes
    ``follow.follow_checks_first`` answers it before Django, from the same function. A code that
    matches no open workshop is answered as an open one with no open poll, and counts as a miss."""
    if can_be_code(code) and refused_as_guesser(code, client_ip(request)):
        return slow_down(request)
    status, headers, body = follow_answer(code, request.GET.get("v"), request.headers.get("If-None-Match"))
    response = HttpResponse(body, status=status, content_type=headers.pop("Content-Type", None))
    for name, value in headers.items():
        response[name] = value
    return response


@require_GET
def shared_cards(request, code):
    """What a phone fetches when the follow check says the open polls changed: their cards, the
    same for every phone (no answers of its own, no form token: the page gave it one). So each web
    process renders them once per version and keeps them, and in web processes
    ``follow.follow_checks_first`` answers every later phone before Django: a room of phones
    arriving within seconds of the lead opening a poll costs what the follow check costs. No
    session or cookie is read or set. A closed or unknown workshop has no cards, the same bytes as
    an open one with no open poll (and counts as a miss): the phone then says no poll is open."""
    if not can_be_code(code):
        return HttpResponse(status=404)
    if refused_as_guesser(code, client_ip(request)):
        return slow_down(request)
    kept_code, version = cards_kept_under(code)
    html = kept_shared_cards(kept_code, version)
    if html is None:
        polls = []
        if kept_code:  # an open workshop's: the version of exactly the polls read, so the cards
            # are never kept under another one.
            version, polls = open_polls_with_version(code)
        cards = [PollCard(poll, [], []) for poll in polls]
        html = render_to_string(
            "workshops/attendee/_shared_cards.html",
            {**_card_context(code), "cards": cards, "version": version, "shared": True},
        ).encode()
        keep_shared_cards(kept_code, version, html)
    return HttpResponse(html, headers=CARDS_HEADERS)


def _send(request, poll: Poll, phone: str | None) -> tuple[PollCard, list | None]:
    """Store what the phone sent: the poll's card with its thank-you or what to change, and the
    phone's answers after a stored answer, as the service returns them (None when nothing was stored)."""
    words, role = request.POST.getlist("word"), request.POST.get("role", "")
    card = PollCard(poll, [], [])
    if phone is None:
        # No cookie (blocked, or expired while the page was open): start again, nothing stored.
        card.notices.append(
            Message(
                messages.ERROR,
                "Your answer was not sent because your browser did not keep this page's cookie. Please answer again.",
            )
        )
        return card, None
    value = request.POST.get("value", "")
    try:
        mine = services.poll_answer(
            poll=poll,
            phone=phone,
            words=words,
            choice=request.POST.get("choice", ""),
            value=whole_number(value),  # ASCII digits only: not '²', '٣' or 10,000 digits (None: "choose a number")
            role=role,
        )
    except ValidationError as error:
        if poll.kind == Poll.Kind.WORDS and hasattr(error, "error_dict"):
            # Every box comes back as typed, the one at fault marked with the reason.
            card.typed, card.errors, card.role = words, error.message_dict, role
        else:
            card.notices.append(Message(messages.ERROR, error.messages[0]))
        return card, None
    thanks = "Sent — it will appear once approved." if poll.needs_approval else "Thank you, your answer is in."
    card.notices.append(Message(messages.SUCCESS, thanks))
    return card, mine


@refuse_guessers
@limit_answers
@require_POST
def answer(request, code, poll_pk):
    """A phone's answer. With JavaScript (poll-phone.js sends HX-Request) the answer is one
    request: the reply is the poll's card, updated, with its thank-you or what to change. Without
    it, the form posts as forms do and the phone is sent back to the workshop's page."""
    # Kept per process while the workshop's polls are unchanged: a phone's answer is the busiest
    # request of the day (docs/benchmarks.md).
    poll = poll_to_answer(code, poll_pk)
    if poll is None:
        # No such poll. When the code matches no open workshop either, it counts as a miss.
        if not is_open_code(code, look_alikes=True) and count_join_miss(client_ip(request), code):
            return slow_down(request)
        return redirect(f"{reverse('join')}?code={code[:12]}")
    phone = _phone(request)
    card, mine = _send(request, poll, phone)
    refused = bool(card.errors) or any(notice.level == messages.ERROR for notice in card.notices)

    if request.htmx:
        card.mine = mine if mine is not None else list(phone_answers(poll, phone)) if phone else []
        # The card alone needs no context processors (the signed-in member, messages): only its
        # form token.
        html = render_to_string(
            "workshops/attendee/_poll_card.html",
            {**_card_context(poll.workshop.join_code), "card": card, "csrf_token": get_token(request)},
        )
        return HttpResponse(html, status=400 if refused else 200)
    if card.errors:
        return _render_attend(request, poll.workshop, phone, failed=card, status=400)
    for notice in card.notices:
        messages.add_message(request, notice.level, notice.message, extra_tags=f"poll-{poll.pk}")
    return redirect(reverse("attend", args=[poll.workshop.join_code]) + f"#poll-{poll_pk}")
