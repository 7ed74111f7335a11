"""Reads of agreement between rooms: every room's answer to a case reviewed by several rooms, the
disagreements awaiting moderation, and who may moderate. Scoped by the caller's workshop, which
the views reach through the tenancy helper."""

from dataclasses import dataclass

from django.db.models import Prefetch

from casereview.models import Role
from casereview.tenancy import for_member, membership_of
from workshops.models import CaseAllocation, CaseReview, Moderator, Workshop
from workshops.services.answer_words import review_summary

COMPARED = ["Consensus reached", "Ideal outcome", "Non-ideal areas", "Better provision", "Themes"]


def outcome_category(review: CaseReview | None) -> str | None:
    """The outcome as one of three categories: ideal, not ideal, no consensus (docs/design.md,
    “Report definitions”, agreement between rooms)."""
    if review is None:
        return None
    if not review.consensus_reached:
        return "no_consensus"
    return "ideal" if review.ideal_outcome else "not_ideal"


OUTCOME_WORDS = {"ideal": "Ideal", "not_ideal": "Not ideal", "no_consensus": "No consensus"}


@dataclass
class RoomAnswer:
    allocation: CaseAllocation
    review: CaseReview | None

    @property
    def room_name(self) -> str:
        return self.allocation.room.name if self.allocation.room else "No room"

    @property
    def in_words(self) -> str:
        """The outcome in a few words: ideal, not ideal (with the better provision), no consensus."""
        category = outcome_category(self.review)
        if category is None:
            return "not answered yet"
        if category == "not_ideal" and self.review.better_provision:
            return f"Not ideal, better: {self.review.better_provision.label}"
        return OUTCOME_WORDS[category]

    @property
    def summary(self) -> dict[str, str]:
        return review_summary(self.review)


@dataclass
class CaseAnswers:
    """One case in one workshop, with every room's answer (reviewed or not) and the moderated one."""

    first: CaseAllocation
    rooms: list[RoomAnswer]
    moderated: CaseReview | None = None
    moderation_allocation: CaseAllocation | None = None

    @property
    def reference(self) -> str:
        return self.first.case.reference

    @property
    def answered(self) -> list[RoomAnswer]:
        return [room for room in self.rooms if room.review is not None]

    @property
    def everyone_answered(self) -> bool:
        return bool(self.rooms) and all(room.review is not None for room in self.rooms)

    @property
    def disagrees(self) -> bool:
        """Two or more rooms answered and differ on the outcome, or (not ideal) on the better provision."""
        answers = self.answered
        if len(answers) < 2:
            return False
        if len({outcome_category(room.review) for room in answers}) > 1:
            return True
        return (
            len({room.review.better_provision_id for room in answers if outcome_category(room.review) == "not_ideal"})
            > 1
        )

    @property
    def awaiting_moderation(self) -> bool:
        return self.disagrees and self.moderated is None

    @property
    def differences(self) -> list[str]:
        """The questions on which the rooms' answers differ, in words."""
        return [row["label"].lower() for row in self.comparison() if row["differs"]]

    def comparison(self) -> list[dict]:
        """Per question, every room's answer in words and whether the rooms differ."""
        summaries = [room.summary for room in self.answered]
        rows = []
        for label in COMPARED:
            values = [summary.get(label, "—") for summary in summaries]
            rows.append({"label": label, "values": values, "differs": len(set(values)) > 1})
        return rows


def _groups(allocations) -> list[CaseAnswers]:
    by_first: dict[int, CaseAnswers] = {}
    ordered = sorted(
        allocations,
        key=lambda a: (
            a.first_allocation_id or a.pk,
            a.kind != CaseAllocation.Kind.FIRST,
            a.room.name if a.room else "",
            a.pk,
        ),
    )
    for allocation in ordered:
        review = getattr(allocation, "review", None)
        if allocation.kind == CaseAllocation.Kind.FIRST:
            by_first[allocation.pk] = CaseAnswers(allocation, [RoomAnswer(allocation, review)])
        elif allocation.first_allocation_id in by_first:
            group = by_first[allocation.first_allocation_id]
            if allocation.kind == CaseAllocation.Kind.MODERATION:
                group.moderated, group.moderation_allocation = review, allocation
            else:
                group.rooms.append(RoomAnswer(allocation, review))
    return list(by_first.values())


def _with_answers(queryset):
    reviews = CaseReview.objects.select_related("better_provision", "reviewed_by").prefetch_related(
        "non_ideal_areas", "themes", "audit"
    )
    return queryset.select_related("case", "room").prefetch_related(Prefetch("review", queryset=reviews))


def multi_room_cases(workshop: Workshop, *, calibration: bool | None = None) -> list[CaseAnswers]:
    """The workshop's cases reviewed by two or more rooms (calibration cases, blind double
    reviews), each with every room's answer and any moderated answer, by reference."""
    firsts = CaseAllocation.objects.filter(
        workshop=workshop,
        kind=CaseAllocation.Kind.FIRST,
        other_allocations__kind=CaseAllocation.Kind.OTHER_ROOM,
    )
    if calibration is not None:
        firsts = firsts.filter(calibration=calibration)
    first_ids = set(firsts.values_list("pk", flat=True))
    allocations = _with_answers(
        CaseAllocation.objects.filter(workshop=workshop).filter(pk__in=first_ids)
        | CaseAllocation.objects.filter(first_allocation_id__in=first_ids)
    )
    groups = _groups(allocations)
    return sorted(groups, key=lambda group: group.reference)


def case_answers(first: CaseAllocation) -> CaseAnswers:
    allocations = _with_answers(
        CaseAllocation.objects.filter(pk=first.pk) | CaseAllocation.objects.filter(first_allocation_id=first.pk)
    )
    return _groups(allocations)[0]


def moderation_reason(review: CaseReview | None) -> str:
    """The reason recorded with the latest moderated answer (it lives in the audit trail)."""
    if review is None:
        return ""
    for entry in review.audit.all():
        if "Reason" in entry.changes:
            return entry.changes["Reason"][1] or ""
    return ""


def may_moderate(user, workshop: Workshop) -> bool:
    """The lead, or a member of the workshop's moderation panel."""
    membership = membership_of(user)
    if membership is None or membership.organisation_id != workshop.organisation_id:
        return False
    return membership.is_lead or (
        membership.role == Role.FACILITATOR and Moderator.objects.filter(workshop=workshop, user=user).exists()
    )


def moderated_workshops(user):
    """Workshops whose disagreements the person may moderate."""
    workshops = for_member(user, Workshop)
    membership = membership_of(user)
    if membership is None or membership.role == Role.VIEWER:
        return workshops.none()
    if membership.role == Role.FACILITATOR:
        workshops = workshops.filter(moderators__user=user)
    return workshops


def disagreements_visible_to(user) -> frozenset[int] | None:
    """The workshops whose disagreements (which room said what on a doubled case) the person may
    read: None for every workshop (the lead, viewers), those whose moderation panel a facilitator
    sits on, none for anyone else (they sit in the rooms, and double review is blind)."""
    membership = membership_of(user)
    if membership is None:
        return frozenset()
    if membership.role in (Role.LEAD, Role.VIEWER):
        return None
    return frozenset(Moderator.objects.filter(user=user).values_list("workshop_id", flat=True))


def panel_of(workshop: Workshop):
    return Moderator.objects.filter(workshop=workshop).select_related("user").order_by("user__email")
