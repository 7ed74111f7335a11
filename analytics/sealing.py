"""Sealed until answered: the one rule that keeps a blind double review blind.

Until every room given a doubled or calibration case has saved its answer, no figure a facilitator
can read (dashboards, their charts and tables, downloads, the plan's evidence) may depend on any
room's answer to that case, nor on its moderated answer. So a facilitator reads the LA's figures
through a *sealed* scope (``Scope.sealed``), whose reviews leave out every review of such a case;
the page says how many are hidden. Leads, viewers and the Power BI feed (read as a viewer) see
every review: they are not in the rooms.

Simplest honest rule, and deliberately wider than "the other room's answer to my case": a
facilitator's figures leave out every sealed case of the LA, whichever rooms they sit in, so that
no combination of filters, scopes or downloads can isolate one room's answer (an outsider's
report showed a narrowing filter isolating 10 of 12 double-reviewed cases). The hidden reviews
come back for everyone the moment the last room answers: the scope's fingerprint counts them.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.db.models.functions import Coalesce

from analytics.scopes import Scope
from casereview.models import Membership, Organisation, Role
from workshops.models import CaseAllocation, CaseReview

Kind = CaseAllocation.Kind


def sealed_review_condition(organisation: Organisation) -> Q:
    """Reviews (of ``organisation``) of a case that another room was given and some room given it
    has not answered yet: each room's answer and the moderated one."""
    allocations = CaseAllocation.objects.filter(workshop__organisation=organisation)
    # A case's group is its first allocation in the workshop: the other rooms' and the moderated
    # answer point at it.
    waiting_groups = (
        allocations.filter(room__isnull=False, review__isnull=True)
        .exclude(kind=Kind.MODERATION)
        .annotate(group=Coalesce("first_allocation_id", "id"))
        .values("group")
    )
    sealed_groups = allocations.filter(kind=Kind.OTHER_ROOM, first_allocation_id__in=waiting_groups).values(
        "first_allocation_id"
    )
    return Q(allocation_id__in=sealed_groups) | Q(allocation__first_allocation_id__in=sealed_groups)


def has_sealed_reviews(organisation: Organisation) -> bool:
    return CaseReview.objects.for_organisation(organisation).filter(sealed_review_condition(organisation)).exists()


@dataclass(frozen=True)
class SeenScope:
    """The scope a person reads and how many of its reviews they cannot see yet."""

    scope: Scope
    hidden: int = 0


def scope_as_seen_by(membership: Membership, scope: Scope) -> SeenScope:
    """``scope`` as ``membership`` may read it: sealed for a facilitator while the LA has sealed
    reviews (with how many of the scope's reviews that hides), as it is for everyone else."""
    scope = scope.without_sealed()
    if membership.role != Role.FACILITATOR:
        return SeenScope(scope)
    from analytics.selectors import all_reviews_in  # selectors reads the rule from here

    organisation = membership.organisation
    hidden = all_reviews_in(organisation, scope).filter(sealed_review_condition(organisation)).count()
    return SeenScope(scope.with_sealed(), hidden) if hidden else SeenScope(scope)
