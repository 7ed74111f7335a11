"""A report scope: which reviews a snapshot covers. All of an LA's reviews, or those of one
workshop, one phase, one primary need, one support level, one provision, or of any combination of
at most one of each (one workshop's secondary reviews of autistic children...).

A scope's key names it in addresses (``?scope=``), in the Power BI feed and in the snapshots
table. A single part keeps the key it always had (``workshop:12``, ``phase:SECONDARY``); a
combination joins its parts with a comma, always in the order of ``PART_KINDS``
(``workshop:12,phase:SECONDARY,primary_need:ASD``), so one set of filters has one key and one
snapshot. A comma, not a plus: in a query string a plus is read as a space, so a key typed by
hand into a Power BI address would break, while a comma arrives as typed.
"""

from dataclasses import dataclass, replace
from itertools import combinations

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
# The kinds a scope can fix, in the order of a combined key's parts.
PART_KINDS = ("workshop", *VOCABULARY_SCOPES)
SEPARATOR = ","
# The last part of the key of a scope seen while some answers are sealed (blind double review,
# calibration): "all,sealed" is every review of the LA but those. It is never a filter people
# choose: the dashboards, downloads and plan pages add it for a facilitator (analytics.sealing).
SEALED = "sealed"
# The longest key: a workshop id and four vocabulary codes (60 characters at most each) with
# their kinds. ReportSnapshot.scope is this long; a longer key names nothing.
KEY_MAX_LENGTH = 400


class UnknownScope(ValueError):
    pass


@dataclass(frozen=True)
class Scope:
    # (kind, value) pairs in PART_KINDS order, at most one per kind; none: all of the LA's reviews.
    parts: tuple[tuple[str, str], ...] = ()
    # Without the reviews of cases that some room has still to answer (analytics.sealing).
    sealed: bool = False

    @classmethod
    def of(cls, **values) -> "Scope":
        """The scope fixing each given kind to its value; a kind given None or "" is any. Refuses
        an unknown kind and a workshop that is not an id (UnknownScope)."""
        if set(values) - set(PART_KINDS):
            raise UnknownScope(", ".join(sorted(set(values) - set(PART_KINDS))))
        parts = []
        for kind in PART_KINDS:
            value = values.get(kind)
            if value is None or value == "":
                continue
            value = str(value)
            if kind == "workshop":
                if not (value.isascii() and value.isdigit()):
                    raise UnknownScope(f"workshop:{value}")
                value = str(int(value))  # workshop:012 is workshop:12, with the same snapshot
            parts.append((kind, value))
        return cls(tuple(parts))

    @classmethod
    def parse(cls, key: str | None) -> "Scope":
        """The scope a key names: "all" (or nothing), one part, or parts joined by commas in any
        order. Refuses an unknown kind, a kind given twice and an empty value (UnknownScope)."""
        if not key or key == "all":
            return cls()
        if len(key) > KEY_MAX_LENGTH:
            raise UnknownScope(key[:40])
        parts = key.split(SEPARATOR)
        sealed = parts[-1] == SEALED
        if sealed:
            parts = parts[:-1]
            if parts == ["all"]:
                return cls(sealed=True)
        values = {}
        for part in parts:
            kind, _, value = part.partition(":")
            if kind not in PART_KINDS or kind in values or not value:
                raise UnknownScope(key)
            values[kind] = value
        scope = cls.of(**values)
        return scope.with_sealed() if sealed else scope

    @property
    def key(self) -> str:
        key = SEPARATOR.join(f"{kind}:{value}" for kind, value in self.parts) or "all"
        return f"{key}{SEPARATOR}{SEALED}" if self.sealed else key

    def with_sealed(self) -> "Scope":
        return replace(self, sealed=True)

    def without_sealed(self) -> "Scope":
        return replace(self, sealed=False)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The dimensions the scope fixes (a dashboard shows no breakdown by them)."""
        return tuple(kind for kind, _ in self.parts)

    def value_of(self, kind: str) -> str | None:
        return dict(self.parts).get(kind)

    @property
    def workshop_id(self) -> int | None:
        value = self.value_of("workshop")
        return int(value) if value is not None else None

    @property
    def vocabulary_parts(self) -> list[tuple[str, str]]:
        return [(kind, value) for kind, value in self.parts if kind in VOCABULARY_SCOPES]

    def review_filter(self) -> Q:
        """Narrows an LA's CaseReview queryset to this scope: every part must hold. (A sealed
        scope's reviews are left out by analytics.selectors.all_reviews_in, which knows the LA.)"""
        condition = Q()
        for kind, value in self.parts:
            if kind == "workshop":
                condition &= Q(allocation__workshop_id=int(value))
            else:
                condition &= Q(**{VOCABULARY_SCOPES[kind][1]: value})
        return condition

    def response_filter(self) -> Q | None:
        """Narrows an LA's poll answers to this scope; None when polls have no place in it
        (a phase or a need describes cases, not the people in the room, so any scope with a
        vocabulary part, alone or combined with a workshop, has no polls)."""
        if self.vocabulary_parts:
            return None
        if self.workshop_id is not None:
            return Q(poll__workshop_id=self.workshop_id)
        return Q()

    def describe(self, labels: dict[str, str]) -> str:
        """In words, from each part's label (kind -> workshop title or term label):
        "Workshop: Secondary reviews · Phase: Secondary · Primary need: Autism"."""
        if not self.parts:
            return "All workshops"
        return " · ".join(f"{_kind_name(kind)}: {labels[kind]}" for kind in self.kinds)


def _kind_name(kind: str) -> str:
    return "Workshop" if kind == "workshop" else ENTRY_NAMES[VOCABULARY_SCOPES[kind][0]].capitalize()


def is_combined(scope_key: str) -> bool:
    return SEPARATOR in scope_key


def scopes_of_review(review) -> list[str]:
    """Every scope a review counts in: all, each of its five parts alone, and every combination of
    them (32 keys). A change to the review refreshes those of them that are kept
    (analytics.snapshots.refresh_after_commit)."""
    own = {
        "workshop": review.allocation.workshop_id,
        "phase": review.phase_at_review.code,
        "primary_need": review.primary_need_at_review.code,
        "support_level": review.support_level_at_review.code,
        "provision": review.provision_at_review.code,
    }
    return [
        Scope.of(**{kind: own[kind] for kind in chosen}).key
        for size in range(len(PART_KINDS) + 1)
        for chosen in combinations(PART_KINDS, size)
    ]
