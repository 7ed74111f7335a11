"""The review form asks the non-ideal questions only when they apply, and clears what does not."""

from django.utils import timezone

from tests.fixtures import not_ideal_post
from workshops.forms import CaseReviewForm


def form(organisation, data):
    bound = CaseReviewForm(data, organisation=organisation)
    bound.is_valid()
    return bound


def test_not_ideal_needs_areas_better_provision_and_themes(organisation, term):
    bound = form(organisation, {"action": "save", "version": 0, "ideal_outcome": "no"})
    assert set(bound.errors) == {"non_ideal_areas", "better_provision", "themes"}


def test_a_complete_not_ideal_answer_is_valid(organisation, term):
    bound = form(organisation, not_ideal_post(term))
    assert bound.is_valid(), bound.errors
    assert bound.answer.ideal_outcome is False
    assert [t.code for t in bound.answer.non_ideal_areas] == ["TYPE_OF_PROVISION", "TIMING_OF_SUPPORT"]


def test_an_ideal_outcome_does_not_ask_for_areas_and_clears_them(organisation, term):
    bound = form(organisation, not_ideal_post(term, ideal_outcome="yes"))
    assert bound.is_valid(), bound.errors
    assert bound.answer.ideal_outcome is True
    assert bound.answer.non_ideal_areas == [] and bound.answer.better_provision is None
    assert [t.code for t in bound.answer.themes] == ["PARENTAL_CONFIDENCE_IN_MAINSTREAM"]


def test_consensus_needs_an_outcome(organisation, term):
    bound = form(organisation, {"action": "save", "version": 0})
    assert "ideal_outcome" in bound.errors


def test_no_consensus_requires_nothing_and_clears_every_outcome_field(organisation, term):
    bound = form(organisation, not_ideal_post(term, action="no_consensus", notes="Room split on placement"))
    assert bound.is_valid(), bound.errors
    answer = bound.answer
    assert answer.consensus_reached is False
    assert (answer.ideal_outcome, answer.non_ideal_areas, answer.better_provision, answer.themes) == (
        None,
        [],
        None,
        [],
    )
    assert answer.notes == "Room split on placement"
    assert form(organisation, {"action": "no_consensus", "version": 0}).is_valid()


def test_notes_with_an_identifier_are_refused(organisation, term):
    bound = form(organisation, not_ideal_post(term, notes="NHS 943 476 5919"))
    assert "an NHS number" in bound.errors["notes"][0]


def test_retired_terms_are_not_offered_and_cannot_be_posted(organisation, term):
    retired = term("theme", "WORKFORCE_CAPACITY")
    retired.retired_at = timezone.now()
    retired.save()
    offered = [value.instance for value, _ in CaseReviewForm(organisation=organisation).fields["themes"].choices]
    assert retired not in offered and term("theme", "TRANSITION_BETWEEN_SETTINGS") in offered
    bound = form(organisation, not_ideal_post(term, themes=[retired.pk]))
    assert "themes" in bound.errors


def test_another_las_terms_cannot_be_posted(organisation, other_organisation, term):
    theirs = term("theme", "WORKFORCE_CAPACITY", other_organisation)
    bound = form(organisation, not_ideal_post(term, themes=[theirs.pk]))
    assert "themes" in bound.errors
