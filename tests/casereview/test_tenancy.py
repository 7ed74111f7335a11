"""The tenancy helper: a member sees their LA's data, never another's; no LA means nothing."""

import pytest
from django.http import Http404

from casereview.models import Organisation, VocabularyTerm
from casereview.tenancy import for_member, get_for_member_or_404


def test_it_scopes_a_model_to_the_members_organisation(organisation, other_organisation, lead, outsider):
    mine = set(for_member(lead, VocabularyTerm).values_list("organisation_id", flat=True))
    theirs = set(for_member(outsider, VocabularyTerm).values_list("organisation_id", flat=True))
    assert mine == {organisation.pk}
    assert theirs == {other_organisation.pk}


def test_it_scopes_a_queryset_and_keeps_its_filters(organisation, other_organisation, viewer):
    themes = for_member(viewer, VocabularyTerm.objects.filter(kind="theme"))
    assert themes.count() == 8
    assert {term.organisation_id for term in themes} == {organisation.pk}


def test_a_member_of_the_same_la_gets_the_object(organisation, facilitator):
    term = VocabularyTerm.objects.filter(organisation=organisation).first()
    assert get_for_member_or_404(facilitator, VocabularyTerm, pk=term.pk) == term


def test_an_outsider_gets_404_for_another_las_object(organisation, outsider):
    term = VocabularyTerm.objects.filter(organisation=organisation).first()
    with pytest.raises(Http404):
        get_for_member_or_404(outsider, VocabularyTerm, pk=term.pk)


def test_an_account_without_an_la_sees_nothing(organisation, django_user_model):
    loner = django_user_model.objects.create_user(email="loner@example.test", password="x" * 16)
    assert not for_member(loner, VocabularyTerm).exists()


def test_an_anonymous_visitor_sees_nothing(organisation):
    from django.contrib.auth.models import AnonymousUser

    assert not for_member(AnonymousUser(), VocabularyTerm).exists()


def test_it_refuses_a_model_that_does_not_declare_its_organisation(lead):
    with pytest.raises(TypeError, match="holds no LA data"):
        for_member(lead, Organisation)
