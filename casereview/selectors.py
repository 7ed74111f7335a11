"""Reads of the core: an organisation's vocabularies."""

from dataclasses import dataclass

from casereview.models import Organisation, VocabularyTerm
from casereview.vocabularies import OPEN_KINDS, VocabularyKind


@dataclass
class Vocabulary:
    kind: str
    title: str
    is_open: bool
    terms: list[VocabularyTerm]


def vocabularies_of(organisation: Organisation) -> list[Vocabulary]:
    """Every vocabulary of the LA, in the order of DESIGN.md §2, retired terms included (last)."""
    terms = VocabularyTerm.objects.for_organisation(organisation).order_by("retired_at", "position", "label")
    by_kind: dict[str, list[VocabularyTerm]] = {kind: [] for kind in VocabularyKind.values}
    for term in terms:
        by_kind[term.kind].append(term)
    return [
        Vocabulary(kind=kind, title=VocabularyKind(kind).label, is_open=kind in OPEN_KINDS, terms=by_kind[kind])
        for kind in VocabularyKind.values
    ]
