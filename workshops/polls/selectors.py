"""Reads of polls: results for the projector, the table and the CSV, computed once per change."""

import math
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max

from workshops.models import Discipline, Poll, PollResponse

RESULTS_CACHE_SECONDS = 600


def current_responses(poll: Poll):
    return PollResponse.objects.filter(poll=poll, round=poll.round)


def poll_fingerprint(poll: Poll) -> str:
    """Changes whenever what the screen shows would change: an answer, a hidden one, a reset.

    One aggregate query; the results themselves are computed only when this changes."""
    state = current_responses(poll).aggregate(total=Count("id"), latest=Max("updated_at"))
    latest = state["latest"].timestamp() if state["latest"] else 0
    return f"{poll.pk}.{poll.round}.{state['total']}.{latest:.6f}.{int(poll.is_open)}"


@dataclass
class Bar:
    label: str
    count: int
    share: float  # of all answers, 0..1


@dataclass
class PollResults:
    kind: str
    answers: int
    phones: int
    words: list[tuple[str, int, int]] = field(default_factory=list)  # (word, count, size step 1..6)
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    by_role: list[tuple[str, list[tuple[str, int]]]] = field(default_factory=list)  # words per stakeholder group


def _size_step(count: int, most: int) -> int:
    # Square root, so one very common word does not shrink every other to nothing.
    return 1 + round(5 * math.sqrt(count / most)) if most else 1


def compute_results(poll: Poll) -> PollResults:
    visible = current_responses(poll).filter(hidden=False)
    answers = visible.count()
    phones = visible.values("phone").distinct().count()
    results = PollResults(kind=poll.kind, answers=answers, phones=phones)
    if poll.kind == Poll.Kind.WORDS:
        counts = list(
            visible.exclude(normalised="").values_list("normalised").annotate(n=Count("id")).order_by("-n", "normalised")
        )
        most = counts[0][1] if counts else 0
        results.words = [(word, n, _size_step(n, most)) for word, n in counts]
        by_role = {}
        for role, word, n in (
            visible.exclude(normalised="").exclude(role="").values_list("role", "normalised").annotate(n=Count("id")).order_by("role", "-n", "normalised")
        ):
            by_role.setdefault(role, []).append((word, n))
        results.by_role = [(Discipline(role).label, words[:10]) for role, words in by_role.items()]
    elif poll.kind == Poll.Kind.CHOICE:
        counts = dict(visible.values_list("choice").annotate(n=Count("id")))
        results.bars = [Bar(option, counts.get(option, 0), counts.get(option, 0) / answers if answers else 0) for option in poll.options]
    else:
        counts = dict(visible.values_list("value").annotate(n=Count("id")))
        results.bars = [Bar(str(v), counts.get(v, 0), counts.get(v, 0) / answers if answers else 0) for v in range(1, poll.scale_max + 1)]
        results.mean = sum(v * n for v, n in counts.items()) / answers if answers else None
    return results


def poll_results(poll: Poll, fingerprint: str | None = None) -> PollResults:
    """The poll's results, computed once per fingerprint and shared by every screen showing them."""
    fingerprint = fingerprint or poll_fingerprint(poll)
    return cache.get_or_set(f"poll-results:{fingerprint}", lambda: compute_results(poll), RESULTS_CACHE_SECONDS)


def phone_answers(poll: Poll, phone: str):
    return current_responses(poll).filter(phone=phone).order_by("slot")
