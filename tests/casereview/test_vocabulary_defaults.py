"""Every new LA starts with the SEND vocabularies listed in casereview/vocabularies.py (docs/design.md,
“What it is”), its own to edit."""

from casereview import services
from casereview.models import VocabularyTerm
from casereview.vocabularies import DEFAULT_TERMS, VocabularyKind


def codes(organisation, kind):
    return list(
        VocabularyTerm.objects.filter(organisation=organisation, kind=kind)
        .order_by("position")
        .values_list("code", flat=True)
    )


def test_a_new_organisation_gets_every_default_term(organisation):
    assert codes(organisation, VocabularyKind.PROVISION) == [
        "MAINSTREAM",
        "RESOURCED",
        "MSS",
        "INMSS",
        "AP",
        "POST16",
        "EARLY_YEARS",
        "OTHER",
    ]
    assert codes(organisation, VocabularyKind.PRIMARY_NEED) == [
        "SPLD",
        "MLD",
        "SLD",
        "PMLD",
        "SEMH",
        "SLCN",
        "HI",
        "VI",
        "MSI",
        "PD",
        "ASD",
        "DS",
        "OTH",
        "NSA",
    ]
    assert codes(organisation, VocabularyKind.SUPPORT_LEVEL) == ["SEN_SUPPORT", "EHCP"]
    assert codes(organisation, VocabularyKind.PHASE) == ["EARLY_YEARS", "PRIMARY", "SECONDARY", "POST16"]
    assert len(codes(organisation, VocabularyKind.NON_IDEAL_AREA)) == 9
    assert len(codes(organisation, VocabularyKind.THEME)) == 8
    total = sum(len(terms) for terms in DEFAULT_TERMS.values())
    assert VocabularyTerm.objects.filter(organisation=organisation).count() == total


def test_each_organisation_has_its_own_copy(organisation, other_organisation):
    mine = VocabularyTerm.objects.get(organisation=organisation, kind="provision", code="MSS")
    mine.label = "Special school"
    mine.save()
    theirs = VocabularyTerm.objects.get(organisation=other_organisation, kind="provision", code="MSS")
    assert theirs.label == "Maintained special school or special academy"


def test_seeding_again_adds_only_what_is_missing_and_keeps_the_las_changes(organisation):
    renamed = VocabularyTerm.objects.get(organisation=organisation, kind="theme", code="WORKFORCE_CAPACITY")
    renamed.label = "Staffing"
    renamed.save()
    services.vocabulary_term_set_retired(
        term=VocabularyTerm.objects.get(organisation=organisation, kind="primary_need", code="NSA"), retired=True
    )
    VocabularyTerm.objects.get(organisation=organisation, kind="phase", code="POST16").delete()

    assert services.vocabulary_seed(organisation) == 1

    assert (
        VocabularyTerm.objects.get(organisation=organisation, kind="theme", code="WORKFORCE_CAPACITY").label
        == "Staffing"
    )
    assert VocabularyTerm.objects.get(organisation=organisation, kind="primary_need", code="NSA").is_retired
    assert VocabularyTerm.objects.filter(organisation=organisation, kind="phase", code="POST16").exists()
    assert services.vocabulary_seed(organisation) == 0


def test_retiring_keeps_the_term_and_restoring_brings_it_back(organisation):
    term = VocabularyTerm.objects.get(organisation=organisation, kind="theme", code="WORKFORCE_CAPACITY")
    services.vocabulary_term_set_retired(term=term, retired=True)
    term.refresh_from_db()
    assert term.is_retired
    services.vocabulary_term_set_retired(term=term, retired=False)
    term.refresh_from_db()
    assert not term.is_retired


def test_an_la_can_add_its_own_theme_with_a_stable_code(organisation):
    term = services.vocabulary_term_add(
        organisation=organisation, kind="theme", label="Many feeder schools into few secondaries"
    )
    assert term.code == "MANY_FEEDER_SCHOOLS_INTO_FEW_SECONDARIES"
    assert term.position == 9
