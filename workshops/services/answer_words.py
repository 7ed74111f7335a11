"""An answer in words, field by field: for the audit trail, the moderation panel, and for showing
a conflict (someone else saved the review first) side by side with the answer just sent."""

from workshops.models import CaseReview
from workshops.services.answers import ReviewAnswer, answer_of


def answer_summary(answer: ReviewAnswer) -> dict[str, str]:
    """An answer in words, field by field: for the audit trail and for showing a conflict."""
    yes_no = {True: "Yes", False: "No", None: "—"}
    return {
        "Consensus reached": yes_no[answer.consensus_reached],
        "Ideal outcome": yes_no[answer.ideal_outcome],
        "Non-ideal areas": "; ".join(sorted(t.label for t in answer.non_ideal_areas)) or "—",
        "Better provision": answer.better_provision.label if answer.better_provision else "—",
        "Themes": "; ".join(sorted(t.label for t in answer.themes)) or "—",
        "Notes": answer.notes or "—",
    }


def review_summary(review: CaseReview | None) -> dict[str, str]:
    return answer_summary(answer_of(review)) if review else {}


def conflict_rows(current: CaseReview, answer: ReviewAnswer) -> list[tuple[str, str, str]]:
    """A conflict side by side: per question, the saved review's answer (theirs) and the answer
    that was sent (mine), in words, as the console and the moderation page show it."""
    theirs, mine = review_summary(current), answer_summary(answer)
    return [(label, theirs.get(label), mine.get(label)) for label in theirs]
