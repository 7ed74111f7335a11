"""The attendee's phone: join with a code, answer polls. No account; a signed cookie identifies
the phone to a poll and grants nothing else."""

import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from workshops.models import JOIN_CODE_ALPHABET, JOIN_CODE_LENGTH, Discipline, Poll, Workshop
from workshops.polls import services
from workshops.polls.limits import limit_answers, limit_join, limit_page_opens
from workshops.polls.selectors import phone_answers

PHONE_COOKIE = "casereview_phone"
PHONE_COOKIE_SALT = "casereview.attendee-phone"
PHONE_COOKIE_AGE = 60 * 60 * 24 * 30


def clean_code(raw: str) -> str:
    """What people type for a code: spaces, dashes, lower case, and O for 0 or I for 1 forgiven."""
    code = "".join(raw.split()).replace("-", "").upper()
    return code.translate(str.maketrans({"0": "O", "1": "I"}))


def _is_code(code: str) -> bool:
    # Anything that cannot be a code (wrong length, other characters, a NUL byte) is not looked up.
    return len(code) == JOIN_CODE_LENGTH and set(code) <= set(JOIN_CODE_ALPHABET)


def _workshop_for_code(code):
    return Workshop.objects.filter(join_code=code).first() if _is_code(code) else None


@limit_join
def join(request):
    """Type the code shown on the screen."""
    raw = request.GET.get("code", "").strip()
    if not raw:
        return render(request, "workshops/attendee/join.html", {"code": ""})
    workshop = _workshop_for_code(clean_code(raw))
    if workshop is None or workshop.status == Workshop.Status.CLOSED:
        # An unknown code and an ended workshop's code are answered alike, so that a guesser
        # cannot tell which codes exist.
        error = (f"No open workshop has the code “{raw[:12]}”. Check the code on the screen: it has {JOIN_CODE_LENGTH} "
                 "letters and numbers. If the workshop has ended, its polls no longer take answers.")
        return render(request, "workshops/attendee/join.html", {"error": error, "code": raw}, status=404)
    return redirect("attend", code=workshop.join_code)


def _phone(request):
    return request.get_signed_cookie(PHONE_COOKIE, default=None, salt=PHONE_COOKIE_SALT)


@dataclass
class PollCard:
    """One open poll as a phone shows it."""

    poll: Poll
    mine: list
    notices: list

    @property
    def words_left(self) -> int:
        return self.poll.words_per_attendee - len(self.mine)

    @property
    def word_boxes(self) -> range:
        # A few boxes at a time keep a small screen calm; the rest come after sending.
        return range(1, min(self.words_left, 3) + 1)

    @property
    def scale_values(self) -> range:
        return range(1, self.poll.scale_max + 1)


@limit_page_opens
def attend(request, code):
    workshop = _workshop_for_code(clean_code(code))
    if workshop is None or workshop.status == Workshop.Status.CLOSED:
        return redirect(f"{reverse('join')}?code={code}")
    phone = _phone(request) or secrets.token_hex(16)
    notices = {}
    for message in messages.get_messages(request):
        notices.setdefault(message.extra_tags, []).append(message)
    cards = [
        PollCard(poll, list(phone_answers(poll, phone)), notices.get(f"poll-{poll.pk}", []))
        for poll in workshop.polls.filter(is_open=True)
    ]
    response = render(
        request, "workshops/attendee/attend.html",
        {"workshop": workshop, "cards": cards, "disciplines": Discipline.choices, "code": workshop.join_code},
    )
    response.set_signed_cookie(
        PHONE_COOKIE, phone, salt=PHONE_COOKIE_SALT, max_age=PHONE_COOKIE_AGE,
        httponly=True, samesite="Lax", secure=settings.SESSION_COOKIE_SECURE,
    )
    return response


@limit_answers
@require_POST
def answer(request, code, poll_pk):
    code = clean_code(code)
    # One query for the poll, its workshop and the LA's poll settings: a phone's answer is the
    # busiest request of the day (docs/benchmarks.md).
    poll = (
        Poll.objects.select_related("workshop__organisation__poll_settings").filter(pk=poll_pk, workshop__join_code=code).first()
        if _is_code(code) else None
    )
    phone = _phone(request)
    back = reverse("attend", args=[code]) + f"#poll-{poll_pk}"
    if poll is None:
        return redirect(f"{reverse('join')}?code={code}")
    if phone is None:
        # No cookie (blocked, or expired while the page was open): start again, nothing stored.
        messages.error(
            request, "Your answer was not sent because your browser did not keep this page's cookie. Please answer again.",
            extra_tags=f"poll-{poll.pk}",
        )
        return redirect(back)
    value = request.POST.get("value", "")
    try:
        services.poll_answer(
            poll=poll, phone=phone, words=request.POST.getlist("word"), choice=request.POST.get("choice", ""),
            value=int(value) if value.isdigit() else None, role=request.POST.get("role", ""),
        )
    except ValidationError as error:
        messages.error(request, error.messages[0], extra_tags=f"poll-{poll.pk}")
    else:
        messages.success(request, "Thank you, your answer is in.", extra_tags=f"poll-{poll.pk}")
    return redirect(back)

