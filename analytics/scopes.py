"""A report scope: which reviews a snapshot covers (all of an LA's, one workshop, one phase...)."""

from dataclasses import dataclass

from django.db.models import Q

from casereview.vocabularies import ENTRY_NAMES, VocabularyKind

# scope kind -> (vocabulary kind, the review's field holding that term's code)
VOCABULARY_SCOPES = {
    # As the case was when the room reviewed it, so a later change to the case moves no past review.
    "phase": (VocabularyKind.PHASE, "phase_at_review__code"),
    "primary_need": (VocabularyKind.PRIMARY_NEED, "primary_need_at_review__code"),
    "support_level": (VocabularyKind.SUPPORT_LEVEL, "support_level_at_review__code"),
    "provision": (VocabularyKind.PROVISION, "provision_at_review__code"),
}
KINDS = ("all", "workshop", *VOCABULARY_SCOPES)


class UnknownScope(ValueError):
    pass


@dataclass(frozen=True)
class Scope:
    kind: str = "all"
    value: str = ""

    @classmethod
    def parse(cls, key: str | None) -> "Scope":
        if not key or key == "all":
            return cls()
        kind, _, value = key.partition(":")
        if kind not in KINDS or kind == "all" or not value or (kind == "workshop" and not value.isdigit()):
            raise UnknownScope(key)
        return cls(kind, value)

    @property
    def key(self) -> str:
        return "all" if self.kind == "all" else f"{self.kind}:{self.value}"

    @property
    def workshop_id(self) -> int | None:
        return int(self.value) if self.kind == "workshop" else None

    def review_filter(self) -> Q:
        """Narrows an LA's CaseReview queryset to this scope."""
        if self.kind == "all":
            return Q()
        if self.kind == "workshop":
            return Q(allocation__workshop_id=self.workshop_id)
        return Q(**{VOCABULARY_SCOPES[self.kind][1]: self.value})

    def response_filter(self) -> Q | None:
        """Narrows an LA's poll answers to this scope; None when polls have no place in it
        (a phase or a need describes cases, not the people in the room)."""
        if self.kind == "all":
            return Q()
        if self.kind == "workshop":
            return Q(poll__workshop_id=self.workshop_id)
        return None

    def describe(self, label: str) -> str:
        if self.kind == "all":
            return "All workshops"
        if self.kind == "workshop":
            return f"Workshop: {label}"
        return f"{ENTRY_NAMES[VOCABULARY_SCOPES[self.kind][0]].capitalize()}: {label}"


def scopes_of_review(review) -> list[str]:
    """Every scope a review counts in, so a change to it refreshes exactly those snapshots."""
    return [
        "all",
        f"workshop:{review.allocation.workshop_id}",
        f"phase:{review.phase_at_review.code}",
        f"primary_need:{review.primary_need_at_review.code}",
        f"support_level:{review.support_level_at_review.code}",
        f"provision:{review.provision_at_review.code}",
    ]
