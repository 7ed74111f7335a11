"""Saving a review again replaces its areas and themes with exactly the new answer, and the audit
trail records what changed."""

from workshops.models import CaseReview, ReviewAudit
from workshops.services.answers import ReviewAnswer
from workshops.services.reviews import review_save


def _codes(terms):
    return sorted(term.code for term in terms.all())


def test_each_save_leaves_exactly_the_answer_given(allocations, facilitator, term):
    areas = {
        code: term("non_ideal_area", code) for code in ("TYPE_OF_PROVISION", "TIMING_OF_SUPPORT", "LEVEL_OF_SUPPORT")
    }
    themes = {code: term("theme", code) for code in ("WORKFORCE_CAPACITY", "TRANSITION_BETWEEN_SETTINGS")}
    better = term("provision", "MAINSTREAM")
    saves = [
        ReviewAnswer(
            True,
            False,
            [areas["TYPE_OF_PROVISION"], areas["TIMING_OF_SUPPORT"]],
            better,
            [themes["WORKFORCE_CAPACITY"]],
        ),
        # One area kept, one dropped, one added; the theme swapped.
        ReviewAnswer(
            True,
            False,
            [areas["TIMING_OF_SUPPORT"], areas["LEVEL_OF_SUPPORT"]],
            better,
            [themes["TRANSITION_BETWEEN_SETTINGS"]],
        ),
        # Ideal after all: no areas, no better provision; the theme stays.
        ReviewAnswer(True, True, [], None, [themes["TRANSITION_BETWEEN_SETTINGS"]]),
    ]
    expected = [
        (["TIMING_OF_SUPPORT", "TYPE_OF_PROVISION"], ["WORKFORCE_CAPACITY"]),
        (["LEVEL_OF_SUPPORT", "TIMING_OF_SUPPORT"], ["TRANSITION_BETWEEN_SETTINGS"]),
        ([], ["TRANSITION_BETWEEN_SETTINGS"]),
    ]
    for version, (answer, (area_codes, theme_codes)) in enumerate(zip(saves, expected)):
        review_save(allocation=allocations[0], answer=answer, by=facilitator, expected_version=version)
        review = CaseReview.objects.get()
        assert (_codes(review.non_ideal_areas), _codes(review.themes)) == (area_codes, theme_codes)

    second, third = ReviewAudit.objects.order_by("version")[1:]
    assert second.changes["Non-ideal areas"] == [
        "Timing of support; Type of provision",
        "Level of support; Timing of support",
    ]
    assert second.changes["Themes"] == ["Workforce capacity", "Transition between settings"]
    assert (
        third.changes["Non-ideal areas"] == ["Level of support; Timing of support", "—"]
        and "Themes" not in third.changes
    )
