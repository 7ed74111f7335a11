"""Reads of the core: an organisation's vocabularies."""

from dataclasses import dataclass

from django.db.models import Q

from casereview.models import Organisation, TermScope, VocabularyTerm
from casereview.suggestions import did_you_mean
from casereview.vocabularies import ENTRY_NAMES, OPEN_KINDS, VocabularyKind


@dataclass
class Vocabulary:
    kind: str
    title: str
    is_open: bool
    terms: list[VocabularyTerm]


def vocabularies_of(organisation: Organisation) -> list[Vocabulary]:
    """Every vocabulary of the LA, in the order of ``VocabularyKind``, retired terms included (last)."""
    terms = VocabularyTerm.objects.for_organisation(organisation).order_by("retired_at", "position", "label")
    by_kind: dict[str, list[VocabularyTerm]] = {kind: [] for kind in VocabularyKind.values}
    for term in terms:
        by_kind[term.kind].append(term)
    return [
        Vocabulary(kind=kind, title=VocabularyKind(kind).label, is_open=kind in OPEN_KINDS, terms=by_kind[kind])
        for kind in VocabularyKind.values
    ]


def offered_terms(
    organisation: Organisation, kinds, *, keeping=(), for_use: str | None = None
) -> dict[str, list[VocabularyTerm]]:
    """The terms a form offers, by kind, in one query: the active ones, and those of ``keeping``
    even if retired (a record that uses them keeps them when it is saved again). ``for_use``
    (``TermScope.ROOMS`` or ``TermScope.PLANS``): only the themes meant for it (that scope or both);
    a theme of ``keeping`` stays offered whatever its scope, as a retired one does."""
    offered = Q(retired_at__isnull=True)
    if for_use is not None:
        offered &= ~Q(kind=VocabularyKind.THEME) | Q(scope__in=[TermScope.BOTH, for_use])
    terms = (
        VocabularyTerm.objects.for_organisation(organisation)
        .filter(offered | Q(pk__in=list(keeping)), kind__in=list(kinds))
        .order_by("position", "label")
    )
    by_kind: dict[str, list[VocabularyTerm]] = {kind: [] for kind in kinds}
    for term in terms:
        by_kind[term.kind].append(term)
    return by_kind


class VocabularyLookup:
    """Find an LA's terms by code or label, as people type them in import files."""

    def __init__(self, organisation: Organisation):
        self._terms: dict[tuple[str, str], VocabularyTerm] = {}
        for term in VocabularyTerm.objects.for_organisation(organisation):
            self._terms[(term.kind, term.code.casefold())] = term
            self._terms[(term.kind, term.label.casefold())] = term

    def find(self, kind: str, value: str) -> VocabularyTerm:
        """The active term ``value`` names; ValueError with a message a person understands otherwise."""
        term = self._terms.get((kind, value.strip().casefold()))
        entry = ENTRY_NAMES[kind]
        if term is None:
            current = [t for (k, _), t in self._terms.items() if k == kind and not t.is_retired]
            examples = sorted({t.code for t in current})[:6]
            # Codes last: where a label and a code are alike, the suggestion is the code.
            hint = did_you_mean(value, [t.label for t in current] + [t.code for t in current])
            raise ValueError(
                f"“{value}” is not a {entry} your LA uses.{hint} Use a code such as {', '.join(examples)}, or a label."
            )
        if term.is_retired:
            raise ValueError(f"“{value}” is a retired {entry}; use a current one.")
        return term
