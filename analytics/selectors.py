"""Reads for reports: the data of one scope, grouped and counted by the database, and its fingerprint."""

import pandas as pd
from django.db.models import CharField, Count, DateTimeField, F, IntegerField, Max, Q, Sum, Value

from analytics.models import VariationSettings
from analytics.scopes import VOCABULARY_SCOPES, Scope
from analytics.sealing import sealed_review_condition
from casereview.models import Organisation, VocabularyTerm
from casereview.vocabularies import VocabularyKind
from workshops.models import (
    BreakoutRoom,
    Case,
    CaseReview,
    Poll,
    PollResponse,
    ProcessFinding,
    ProcessStep,
    RoomDiscipline,
    Workshop,
)
from workshops.polls.selectors import SHOWN, word_labels

# Where each dimension of a review lives: the database groups by these ids, the report turns them
# into words. Vocabulary dimensions are term ids.
REVIEW_DIMENSIONS = {
    "workshop": "allocation__workshop_id",
    "room": "allocation__room_id",
    # As the case was when it was reviewed (docs/design.md, “Report definitions”), like the provision.
    "phase": "phase_at_review_id",
    "primary_need": "primary_need_at_review_id",
    "support_level": "support_level_at_review_id",
    "provision": "provision_at_review_id",
    "better": "better_provision_id",
}
ANALYSED = Q(consensus_reached=True, ideal_outcome__isnull=False)
NON_IDEAL = Q(consensus_reached=True, ideal_outcome=False)
IDEAL = Q(consensus_reached=True, ideal_outcome=True)


def all_reviews_in(organisation: Organisation, scope: Scope):
    """Every review in scope, each room's review of a double-reviewed case and its moderated
    answer included: what agreement between rooms is computed from."""
    # The case belongs to the LA as well as the workshop (allocation keeps them together). Saying so
    # lets PostgreSQL read this LA's cases by index instead of every LA's: a report's time then
    # follows the LA's data, not the installation's (docs/benchmarks.md).
    reviews = CaseReview.objects.for_organisation(organisation).filter(
        scope.review_filter(), allocation__case__organisation=organisation
    )
    # Seen by a facilitator while some answers are sealed: the one place that leaves them out.
    return reviews.exclude(sealed_review_condition(organisation)) if scope.sealed else reviews


def reviews_in(organisation: Organisation, scope: Scope):
    """The reviews every report counts: a case reviewed by several rooms counts once (docs/design.md,
    “Report definitions”), by its moderated answer or, until moderated, the first room's (workshops
    keeps the flag)."""
    return all_reviews_in(organisation, scope).filter(allocation__counts_in_reports=True)


def responses_in(organisation: Organisation, scope: Scope):
    condition = scope.response_filter()
    if condition is None:
        return PollResponse.objects.none()
    return PollResponse.objects.for_organisation(organisation).filter(condition)


def _state(queryset, part: str, *, changes: bool = True, rounds: bool = False):
    """One row: how many rows ``queryset`` has, its latest change, and for polls the sum of rounds."""
    return (
        queryset.order_by()
        .annotate(part=Value(part, output_field=CharField()))
        .values("part")
        .annotate(
            n=Count("id"),
            latest=Max("updated_at") if changes else Value(None, output_field=DateTimeField()),
            rounds=Sum("round") if rounds else Value(0, output_field=IntegerField()),
        )
    )


def data_fingerprint(organisation: Organisation, scope: Scope) -> str:
    """Row counts and latest changes of what the scope's reports read: when this is unchanged,
    so are the figures (docs/design.md, “The read path: reports from snapshots”). One query (a UNION
    of five aggregates), asked on every dashboard view; no report computation."""
    reviews = all_reviews_in(organisation, scope)
    parts = [
        # Every review, counted or not: another room's answer changes the agreement figures.
        _state(reviews, "r"),
        # The cases of those reviews: re-importing a case (which may move it to another room) changes
        # no review, but it may change what the reports say.
        _state(Case.objects.filter(pk__in=reviews.values("allocation__case_id")), "c"),
        _state(responses_in(organisation, scope), "p"),
        # A poll reset changes no answer, only which round counts.
        _state(polls_in(organisation, scope), "q", changes=False, rounds=True),
        _state(steps_in(organisation, scope), "s"),
        _state(findings_in(organisation, scope), "f"),
    ]
    # Parts with nothing in scope (an empty queryset) are left out of the UNION: they count 0.
    states = {row["part"]: row for row in parts[0].union(*parts[1:], all=True)}

    def stamp(part):
        state = states.get(part)
        return f"{state['n']}@{state['latest'].timestamp():.6f}" if state and state["latest"] else "0"

    polls = states.get("q", {"n": 0, "rounds": 0})
    return f"r{stamp('r')}.c{stamp('c')}.p{stamp('p')}.q{polls['n']}x{polls['rounds'] or 0}.s{stamp('s')}.f{stamp('f')}"


def steps_in(organisation: Organisation, scope: Scope):
    """Process map steps in scope: like polls, they belong to workshops, not to kinds of case."""
    if scope.response_filter() is None:
        return ProcessStep.objects.none()
    steps = ProcessStep.objects.for_organisation(organisation)
    return steps.filter(process_map__workshop_id=scope.workshop_id) if scope.workshop_id is not None else steps


def findings_in(organisation: Organisation, scope: Scope):
    return ProcessFinding.objects.filter(step__in=steps_in(organisation, scope))


def polls_in(organisation: Organisation, scope: Scope):
    if scope.response_filter() is None:
        return Poll.objects.none()
    polls = Poll.objects.for_organisation(organisation)
    return polls.filter(workshop_id=scope.workshop_id) if scope.workshop_id is not None else polls


def review_counts(organisation: Organisation, scope: Scope, *dimensions: str) -> pd.DataFrame:
    """Reviews in scope counted by ``dimensions`` and by (consensus, ideal): one GROUP BY, so the
    frame has one row per group, however many reviews there are."""
    fields = [REVIEW_DIMENSIONS[dimension] for dimension in dimensions]
    rows = (
        reviews_in(organisation, scope)
        .values_list(*fields, "consensus_reached", "ideal_outcome")
        .annotate(n=Count("id"))
        .order_by()
    )
    return pd.DataFrame.from_records(list(rows), columns=[*dimensions, "consensus", "ideal", "n"])


def review_term_counts(organisation: Organisation, scope: Scope, relation: str, reviews: Q) -> dict[int, int]:
    """Term id -> how many of the scope's ``reviews`` named it, for ``non_ideal_areas`` or ``themes``.
    A review names a term at most once (the link table is unique), so rows are reviews."""
    return {term: n for term, (n, _) in review_term_children(organisation, scope, relation, reviews).items()}


def review_term_children(
    organisation: Organisation, scope: Scope, relation: str, reviews: Q
) -> dict[int, tuple[int, int]]:
    """Term id -> (reviews naming it, distinct children of those reviews), in one GROUP BY."""
    through = getattr(CaseReview, relation).through
    in_scope = reviews_in(organisation, scope).filter(reviews).values("id")
    rows = (
        through.objects.filter(casereview__in=in_scope)
        .values_list("vocabularyterm_id")
        .annotate(n=Count("id"), children=Count("casereview__allocation__case_id", distinct=True))
        .order_by()
    )
    return {term: (n, children) for term, n, children in rows}


def children_counts(organisation: Organisation, scope: Scope, reviews: Q, *dimensions: str) -> dict:
    """Distinct children (cases) among the scope's ``reviews``, per group of ``dimensions`` (a key
    of one id, or a tuple for several; None for no dimension). A child reviewed in two workshops
    is two reviews of one child, so children are counted by the database, never summed."""
    fields = [REVIEW_DIMENSIONS[dimension] for dimension in dimensions]
    queryset = reviews_in(organisation, scope).filter(reviews).order_by()
    if not fields:
        return {None: queryset.aggregate(children=Count("allocation__case_id", distinct=True))["children"]}
    rows = queryset.values_list(*fields).annotate(children=Count("allocation__case_id", distinct=True))
    return {(row[0] if len(fields) == 1 else tuple(row[:-1])): row[-1] for row in rows}


def workshop_names(organisation: Organisation) -> dict[int, tuple[str, object]]:
    """Workshop id -> (title, date)."""
    return {
        pk: (title, day)
        for pk, title, day in Workshop.objects.for_organisation(organisation).values_list("id", "title", "date")
    }


def room_names(organisation: Organisation) -> dict[int, tuple[str, str, object]]:
    """Room id -> (name, workshop title, workshop date)."""
    rooms = BreakoutRoom.objects.for_organisation(organisation).values_list(
        "id", "name", "workshop__title", "workshop__date"
    )
    return {pk: (name, title, day) for pk, name, title, day in rooms}


def room_disciplines(organisation: Organisation) -> pd.DataFrame:
    """Who was in each of the LA's rooms: (room, discipline, people)."""
    rows = RoomDiscipline.objects.filter(room__in=BreakoutRoom.objects.for_organisation(organisation)).values_list(
        "room_id", "discipline", "count"
    )
    return pd.DataFrame.from_records(list(rows), columns=["room", "discipline", "people"])


def words_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    """Shown answers (approved, not hidden) of the current round of every words poll in scope,
    each under the label the projector shows it as (lemmas counted together, merges applied)."""
    rows = list(
        responses_in(organisation, scope)
        .filter(SHOWN, poll__kind="words", round=F("poll__round"))
        .exclude(normalised="")
        .values_list("poll_id", "poll__question", "poll__workshop__title", "phone", "lemma", "normalised", "role")
    )
    labels = word_labels((r[0], r[4] or r[5], r[5], 1) for r in rows)
    records = [
        (poll, question, title, phone, labels[(poll, lemma or phrase)], role)
        for poll, question, title, phone, lemma, phrase, role in rows
    ]
    return pd.DataFrame.from_records(records, columns=["poll", "question", "workshop_title", "phone", "word", "role"])


def vocabulary_terms(organisation: Organisation) -> list[VocabularyTerm]:
    """Every term of the LA, retired ones included, in the LA's order."""
    return list(VocabularyTerm.objects.for_organisation(organisation).order_by("position"))


def filter_options(organisation: Organisation, *, retired: bool = True) -> dict[str, list[tuple[str, str]]]:
    """What a dashboard can be narrowed by: for each kind of scope part, its (value, label)
    options: the LA's workshops, latest first, and its terms in the LA's order; retired terms after
    the current ones, marked so (history keeps them: a past workshop may be read by a need
    retired since), unless ``retired`` is False."""
    workshops = (
        Workshop.objects.for_organisation(organisation).order_by("-date", "pk").values_list("pk", "title", "date")
    )
    options = {"workshop": [(str(pk), f"{title} ({day:%-d %b %Y})") for pk, title, day in workshops]}
    terms = VocabularyTerm.objects.for_organisation(organisation).filter(
        kind__in=[kind for kind, _ in VOCABULARY_SCOPES.values()]
    )
    if not retired:
        terms = terms.filter(retired_at__isnull=True)
    rows = sorted(
        terms.values_list("kind", "code", "label", "retired_at", "position"), key=lambda t: (t[3] is not None, t[4])
    )
    for kind, (vocabulary_kind, _) in VOCABULARY_SCOPES.items():
        options[kind] = [
            (code, f"{label} (retired)" if gone else label)
            for of_kind, code, label, gone, _ in rows
            if of_kind == vocabulary_kind
        ]
    return options


def scope_choices(organisation: Organisation) -> list[tuple[str, list[tuple[str, str]]]]:
    """Every single-part scope (all, each workshop, each phase...): (group, [(scope key, label)]),
    as the Power BI feed's index lists them."""
    groups = [("", [("all", "All workshops")])]
    for kind, options in filter_options(organisation, retired=False).items():
        group = "Workshop" if kind == "workshop" else VocabularyKind(VOCABULARY_SCOPES[kind][0]).label
        groups.append((group, [(Scope.of(**{kind: value}).key, label) for value, label in options]))
    return groups


def steps_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    rows = steps_in(organisation, scope).values_list(
        "id", "position", "title", "process_map_id", "process_map__title", "process_map__workshop__title"
    )
    return pd.DataFrame.from_records(
        list(rows), columns=["step", "position", "step_title", "map", "map_title", "workshop_title"]
    )


def findings_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    rows = findings_in(organisation, scope).values_list("id", "step_id", "kind")
    return pd.DataFrame.from_records(list(rows), columns=["finding", "step", "kind"])


def finding_themes_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    through = ProcessFinding.themes.through
    rows = through.objects.filter(processfinding__in=findings_in(organisation, scope)).values_list(
        "processfinding_id", "vocabularyterm__code"
    )
    return pd.DataFrame.from_records(list(rows), columns=["finding", "code"])


def suppresses_small_counts(organisation: Organisation) -> bool:
    """Whether the LA shows counts of 1 to 4 as "fewer than 5" (on unless a lead turned it off)."""
    chosen = (
        VariationSettings.objects.for_organisation(organisation).values_list("suppress_small_counts", flat=True).first()
    )
    return True if chosen is None else chosen
