"""Reads for reports: the data of one scope as pandas frames, one query each, and its fingerprint."""

import pandas as pd
from django.db.models import Count, F, Max, Sum

from analytics.scopes import VOCABULARY_SCOPES, Scope
from casereview.models import Organisation, VocabularyTerm
from casereview.vocabularies import VocabularyKind
from workshops.models import CaseReview, Poll, PollResponse, ProcessFinding, ProcessStep, RoomDiscipline, Workshop

REVIEW_COLUMNS = {
    "id": "review",
    "consensus_reached": "consensus",
    "ideal_outcome": "ideal",
    "better_provision__code": "better",
    "provision_at_review__code": "provision",
    "allocation__case__phase__code": "phase",
    "allocation__case__primary_need__code": "primary_need",
    "allocation__case__support_level__code": "support_level",
    "allocation__workshop_id": "workshop",
    "allocation__workshop__title": "workshop_title",
    "allocation__workshop__date": "workshop_date",
    "allocation__room_id": "room",
    "allocation__room__name": "room_name",
}


def reviews_in(organisation: Organisation, scope: Scope):
    return CaseReview.objects.for_organisation(organisation).filter(scope.review_filter())


def responses_in(organisation: Organisation, scope: Scope):
    condition = scope.response_filter()
    if condition is None:
        return PollResponse.objects.none()
    return PollResponse.objects.for_organisation(organisation).filter(condition)


def data_fingerprint(organisation: Organisation, scope: Scope) -> str:
    """Row counts and latest changes of what the scope's reports read: when this is unchanged,
    so are the figures (DESIGN.md §3). Aggregate queries only, no report computation."""
    reviews = reviews_in(organisation, scope).aggregate(n=Count("id"), latest=Max("updated_at"))
    responses = responses_in(organisation, scope).aggregate(n=Count("id"), latest=Max("updated_at"))
    # A poll reset changes no answer, only which round counts.
    rounds = polls_in(organisation, scope).aggregate(n=Count("id"), rounds=Sum("round"))
    steps = steps_in(organisation, scope).aggregate(n=Count("id"), latest=Max("updated_at"))
    findings = findings_in(organisation, scope).aggregate(n=Count("id"), latest=Max("updated_at"))

    def stamp(state):
        return f"{state['n']}@{state['latest'].timestamp():.6f}" if state["latest"] else "0"

    return (
        f"r{stamp(reviews)}.p{stamp(responses)}.q{rounds['n']}x{rounds['rounds'] or 0}"
        f".s{stamp(steps)}.f{stamp(findings)}"
    )


def steps_in(organisation: Organisation, scope: Scope):
    """Process map steps in scope: like polls, they belong to workshops, not to kinds of case."""
    if scope.response_filter() is None:
        return ProcessStep.objects.none()
    steps = ProcessStep.objects.for_organisation(organisation)
    return steps.filter(process_map__workshop_id=scope.workshop_id) if scope.kind == "workshop" else steps


def findings_in(organisation: Organisation, scope: Scope):
    return ProcessFinding.objects.filter(step__in=steps_in(organisation, scope))


def polls_in(organisation: Organisation, scope: Scope):
    if scope.response_filter() is None:
        return Poll.objects.none()
    polls = Poll.objects.for_organisation(organisation)
    return polls.filter(workshop_id=scope.workshop_id) if scope.kind == "workshop" else polls


def review_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    rows = reviews_in(organisation, scope).values_list(*REVIEW_COLUMNS)
    return pd.DataFrame.from_records(list(rows), columns=list(REVIEW_COLUMNS.values()))


def review_terms_frame(organisation: Organisation, scope: Scope, relation: str) -> pd.DataFrame:
    """(review, code) for each non-ideal area or theme a review named."""
    through = getattr(CaseReview, relation).through
    rows = through.objects.filter(casereview__in=reviews_in(organisation, scope)).values_list("casereview_id", "vocabularyterm__code")
    return pd.DataFrame.from_records(list(rows), columns=["review", "code"])


def discipline_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    """Who was in the rooms whose reviews are in scope."""
    rooms = reviews_in(organisation, scope).values("allocation__room_id")
    rows = RoomDiscipline.objects.filter(room_id__in=rooms).values_list("room_id", "discipline", "count")
    return pd.DataFrame.from_records(list(rows), columns=["room", "discipline", "people"])


def words_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    """Visible answers of the current round of every words poll in scope."""
    rows = (
        responses_in(organisation, scope)
        .filter(poll__kind="words", hidden=False, round=F("poll__round"))
        .exclude(normalised="")
        .values_list("poll_id", "poll__question", "poll__workshop__title", "phone", "normalised", "role")
    )
    return pd.DataFrame.from_records(list(rows), columns=["poll", "question", "workshop_title", "phone", "word", "role"])


def vocabulary_labels(organisation: Organisation) -> dict[tuple[str, str], tuple[str, bool]]:
    """(kind, code) -> (label, retired) for every term of the LA, retired ones included."""
    return {
        (term.kind, term.code): (term.label, term.is_retired)
        for term in VocabularyTerm.objects.for_organisation(organisation).order_by("position")
    }


def scope_choices(organisation: Organisation) -> list[tuple[str, list[tuple[str, str]]]]:
    """The filters a dashboard offers: (group, [(scope key, label)])."""
    groups = [("", [("all", "All workshops")])]
    workshops = Workshop.objects.for_organisation(organisation).order_by("-date")
    groups.append(("Workshop", [(f"workshop:{w.pk}", f"{w.title} ({w.date:%-d %b %Y})") for w in workshops]))
    terms = VocabularyTerm.objects.for_organisation(organisation).filter(retired_at__isnull=True).order_by("position")
    for kind, (vocabulary_kind, _) in VOCABULARY_SCOPES.items():
        groups.append((VocabularyKind(vocabulary_kind).label, [(f"{kind}:{t.code}", t.label) for t in terms if t.kind == vocabulary_kind]))
    return groups


def steps_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    rows = steps_in(organisation, scope).values_list(
        "id", "position", "title", "process_map_id", "process_map__title", "process_map__workshop__title"
    )
    return pd.DataFrame.from_records(list(rows), columns=["step", "position", "step_title", "map", "map_title", "workshop_title"])


def findings_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    rows = findings_in(organisation, scope).values_list("id", "step_id", "kind")
    return pd.DataFrame.from_records(list(rows), columns=["finding", "step", "kind"])


def finding_themes_frame(organisation: Organisation, scope: Scope) -> pd.DataFrame:
    through = ProcessFinding.themes.through
    rows = through.objects.filter(processfinding__in=findings_in(organisation, scope)).values_list("processfinding_id", "vocabularyterm__code")
    return pd.DataFrame.from_records(list(rows), columns=["finding", "code"])
