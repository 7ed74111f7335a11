"""The room's answer to a case as a value, before it is stored: what it holds, how it is
normalised, what is missing; and the answer a stored review holds."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from casereview.identifiers import reject_identifiers
from casereview.models import VocabularyTerm
from workshops.models import CaseReview


@dataclass
class ReviewAnswer:
    """What a room decided about one case, before it is stored."""

    consensus_reached: bool
    ideal_outcome: bool | None = None
    non_ideal_areas: list[VocabularyTerm] = field(default_factory=list)
    better_provision: VocabularyTerm | None = None
    themes: list[VocabularyTerm] = field(default_factory=list)
    notes: str = ""

    def normalised(self) -> "ReviewAnswer":
        """No consensus clears every outcome field; an ideal outcome clears the non-ideal ones."""
        if not self.consensus_reached:
            return ReviewAnswer(consensus_reached=False, notes=self.notes)
        if self.ideal_outcome:
            return ReviewAnswer(True, True, [], None, list(self.themes), self.notes)
        return self

    def problems(self) -> dict[str, str]:
        """What is missing or wrong, by field name; empty when the answer can be stored."""
        problems = {}
        if self.consensus_reached:
            if self.ideal_outcome is None:
                problems["ideal_outcome"] = "Say whether the outcome is ideal."
            elif self.ideal_outcome is False:
                if not self.non_ideal_areas:
                    problems["non_ideal_areas"] = "Choose at least one area that was not ideal."
                if self.better_provision is None:
                    problems["better_provision"] = (
                        "Choose the provision that would better support this child or young person."
                    )
            if not self.themes:
                problems["themes"] = "Choose at least one theme."
        try:
            reject_identifiers(self.notes)
        except ValidationError as error:
            problems["notes"] = error.messages[0]
        return problems


def answer_of(review: CaseReview) -> ReviewAnswer:
    """The answer a stored review holds."""
    return ReviewAnswer(
        consensus_reached=review.consensus_reached,
        ideal_outcome=review.ideal_outcome,
        non_ideal_areas=list(review.non_ideal_areas.all()),
        better_provision=review.better_provision,
        themes=list(review.themes.all()),
        notes=review.notes,
    )
