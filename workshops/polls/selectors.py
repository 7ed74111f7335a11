"""Reads of polls: results for the projector, the table and the CSV, computed once per change;
the queue of answers waiting for approval; a phone's answers; the workshop a typed code means.
What phones following the presenter check, and what a web process keeps between requests, is in
``versions``."""

import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Q

from workshops.models import Discipline, Poll, PollMerge, PollResponse, Workshop, join_code_candidates

RESULTS_CACHE_SECONDS = 600
# The projector shows this many words at most and says how many more there are; the page may
# show fewer when they would not fit the screen (static/js/projector.js).
CLOUD_WORDS = 50
# A stakeholder group with fewer phones than this is flagged as a small number (docs/design.md,
# "Report definitions").
SMALL_GROUP = 5

# What the projector, the dashboards and every export may show: approved and not hidden.
SHOWN = Q(approved=True, hidden=False)


def current_responses(poll: Poll):
    return PollResponse.objects.filter(poll=poll, round=poll.round)


def shown_responses(poll: Poll):
    return current_responses(poll).filter(SHOWN)


def waiting_responses(poll: Poll):
    """The approval queue: answers of this round nobody has approved or hidden yet, oldest first."""
    return current_responses(poll).filter(approved=False, hidden=False).order_by("created_at", "slot")


def poll_fingerprint(poll: Poll) -> str:
    """Changes whenever what the screen shows would change: an answer, an approval, a hidden
    one, a merge (it touches the answers it maps), a reset.

    One aggregate query; the results themselves are computed only when this changes."""
    state = current_responses(poll).aggregate(total=Count("id"), latest=Max("updated_at"))
    latest = state["latest"].timestamp() if state["latest"] else 0
    return f"{poll.pk}.{poll.round}.{state['total']}.{latest:.6f}.{int(poll.is_open)}"


# --- Word labels: lemmas, the phrase people gave most, a facilitator's merges ---------------------


def word_labels(rows) -> dict[tuple[int, str], str]:
    """For rows of (poll id, lemma, normalised phrase, how many), the label each (poll, lemma) is
    shown as everywhere (projector, dashboards, exports): the facilitator's merge when there is
    one, else the phrase given most often under that lemma (ties: the shorter, then A to Z)."""
    given = defaultdict(Counter)
    for poll_id, lemma, phrase, n in rows:
        given[(poll_id, lemma)][phrase] += n
    labels = {
        key: min(phrases.items(), key=lambda item: (-item[1], len(item[0]), item[0]))[0]
        for key, phrases in given.items()
    }
    poll_ids = {poll_id for poll_id, _ in given}
    for poll_id, key, label in PollMerge.objects.filter(poll_id__in=poll_ids).values_list("poll_id", "key", "label"):
        if (poll_id, key) in labels:
            labels[(poll_id, key)] = label
    return labels


def poll_merges(poll: Poll) -> list[tuple[str, list[str]]]:
    """The poll's merges as (label, the lemmas mapped to it), for the facilitator to undo."""
    merged = defaultdict(list)
    for key, label in poll.merges.order_by("label", "key").values_list("key", "label"):
        merged[label].append(key)
    return sorted(merged.items())


def with_keys(keys) -> Q:
    """Answers counted under any of ``keys`` (an answer stored before lemmas counts by its phrase)."""
    keys = list(keys)
    return Q(lemma__in=keys) | Q(lemma="", normalised__in=keys)


def label_keys(poll: Poll) -> dict[str, set[str]]:
    """Each label the results show for this round, with the keys (lemmas) counted under it."""
    rows = list(shown_responses(poll).exclude(normalised="").values_list("lemma", "normalised").annotate(n=Count("id")))
    labels = word_labels((poll.pk, lemma or phrase, phrase, n) for lemma, phrase, n in rows)
    keys = defaultdict(set)
    for (_, lemma), label in labels.items():
        keys[label].add(lemma)
    return dict(keys)


# --- Results --------------------------------------------------------------------------------------


@dataclass
class Bar:
    label: str
    count: int
    share: float  # of all answers, 0..1


@dataclass
class Group:
    """A stakeholder group, from the role question: its phones and answers."""

    role: str
    label: str
    phones: int
    answers: int

    @property
    def small(self) -> bool:
        return self.phones < SMALL_GROUP


@dataclass
class PollResults:
    kind: str
    answers: int
    phones: int
    words: list[tuple[str, int, int]] = field(default_factory=list)  # (label, count, size step 1..6), the cloud's
    all_words: list[tuple[str, int]] = field(default_factory=list)  # every label, for the table and the CSV
    bars: list[Bar] = field(default_factory=list)
    mean: float | None = None
    groups: list[Group] = field(default_factory=list)  # stakeholder groups that answered
    compare: list[tuple[str, list[int]]] = field(default_factory=list)  # (answer, count per group), side by side
    # Every answer's counts per group (``compare`` shows a words poll's ten most given): the CSV's.
    compare_all: list[tuple[str, list[int]]] = field(default_factory=list)

    @property
    def more(self) -> int:
        return len(self.all_words) - len(self.words)

    @property
    def bars_by_group(self) -> list[tuple[Bar, list[Bar]]]:
        """A choice or scale poll's bars, each with the same answer's count and share within each
        stakeholder group, in the order of ``groups`` (none when the role was not asked): the
        projector shows the groups side by side."""
        if not self.groups:
            return [(bar, []) for bar in self.bars]
        return [
            (
                bar,
                [
                    Bar(group.label, n, n / group.answers if group.answers else 0)
                    for group, n in zip(self.groups, counts)
                ],
            )
            for bar, (_, counts) in zip(self.bars, self.compare)
        ]

    @property
    def most_given_by_group(self) -> list[tuple[Group, list[tuple[str, int]]]]:
        """A words poll's three most given answers in each stakeholder group (none when the role was
        not asked): the projector shows them under the cloud, so the room sees where groups differ."""
        by_group = []
        for index, group in enumerate(self.groups):
            given = [(answer, counts[index]) for answer, counts in self.compare_all if counts[index]]
            by_group.append((group, sorted(given, key=lambda pair: -pair[1])[:MOST_GIVEN_SHOWN]))
        return by_group


# How many answers of each group the projector shows under a words poll's cloud: few enough to
# leave the cloud most of the screen, and to read from the back of the room.
MOST_GIVEN_SHOWN = 3


def _size_step(count: int, most: int) -> int:
    # Square root, so one very common word does not shrink every other to nothing.
    return 1 + round(5 * math.sqrt(count / most)) if most else 1


def _groups(visible) -> list[Group]:
    rows = (
        visible.exclude(role="").values_list("role").annotate(phones=Count("phone", distinct=True), answers=Count("id"))
    )
    # In the order of the role's code, as on the dashboards.
    return [Group(role, Discipline(role).label, phones, answers) for role, phones, answers in sorted(rows)]


def compute_results(poll: Poll) -> PollResults:
    visible = shown_responses(poll)
    answers = visible.count()
    phones = visible.values("phone").distinct().count()
    results = PollResults(kind=poll.kind, answers=answers, phones=phones)
    groups = _groups(visible) if poll.ask_role else []
    roles = [group.role for group in groups]
    results.groups = groups
    if poll.kind == Poll.Kind.WORDS:
        rows = list(visible.exclude(normalised="").values_list("lemma", "normalised", "role").annotate(n=Count("id")))
        labels = word_labels((poll.pk, lemma or phrase, phrase, n) for lemma, phrase, _, n in rows)
        counts, by_role = Counter(), defaultdict(Counter)
        for lemma, phrase, role, n in rows:
            label = labels[(poll.pk, lemma or phrase)]
            counts[label] += n
            by_role[label][role] += n
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
        most = ranked[0][1] if ranked else 0
        results.all_words = ranked
        results.words = [(word, n, _size_step(n, most)) for word, n in ranked[:CLOUD_WORDS]]
        results.compare_all = [(word, [by_role[word][role] for role in roles]) for word, _ in ranked] if groups else []
        results.compare = results.compare_all[:10]
        return results
    column = "choice" if poll.kind == Poll.Kind.CHOICE else "value"
    counts, by_role = Counter(), defaultdict(Counter)
    for answer, role, n in visible.values_list(column, "role").annotate(n=Count("id")):
        counts[answer] += n
        by_role[answer][role] += n
    keys = poll.options if poll.kind == Poll.Kind.CHOICE else list(range(1, poll.scale_max + 1))
    results.bars = [Bar(str(key), counts[key], counts[key] / answers if answers else 0) for key in keys]
    if poll.kind == Poll.Kind.SCALE:
        results.mean = sum(v * n for v, n in counts.items()) / answers if answers else None
    if groups:
        results.compare = results.compare_all = [(str(key), [by_role[key][role] for role in roles]) for key in keys]
    return results


def poll_results(poll: Poll, fingerprint: str | None = None) -> PollResults:
    """The poll's results, computed once per fingerprint and shared by every screen showing them."""
    fingerprint = fingerprint or poll_fingerprint(poll)
    return cache.get_or_set(f"poll-results:{fingerprint}", lambda: compute_results(poll), RESULTS_CACHE_SECONDS)


def phone_answers(poll: Poll, phone: str):
    return current_responses(poll).filter(phone=phone).order_by("slot")


def phone_answers_now(poll: Poll, phone: str) -> list[PollResponse]:
    """``phone_answers`` read for a phone's answer, the busiest request of the day: the same rows,
    by SQL written once here rather than compiled by the ORM each time, which costs four times the
    query itself on a small server (docs/benchmarks.md)."""
    table = PollResponse._meta.db_table
    return list(
        PollResponse.objects.raw(
            f"SELECT * FROM {table} WHERE poll_id = %s AND round = %s AND phone = %s ORDER BY slot",
            [poll.pk, poll.round, phone],
        )
    )


# --- Joining --------------------------------------------------------------------------------------


def workshop_for_code(typed: str) -> Workshop | None:
    """The workshop a typed code means: as typed, or with look-alikes read the other way."""
    candidates = join_code_candidates(typed)
    if not candidates:
        return None
    found = {w.join_code: w for w in Workshop.objects.filter(join_code__in=candidates)}
    return next((found[code] for code in candidates if code in found), None)
