"""A case whose phase and year group rarely go together (Post-16 in year 7) is imported, with a warning naming it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from workshops.imports import case_import
from workshops.models import Case

HEADER = "reference,phase,year_group,primary_need,support_level,current_provision,room"


def run(organisation, workshop, text):
    return case_import(organisation=organisation, workshop=workshop, filename="cases.csv", data=text.encode())


def test_post_16_in_year_7_is_imported_and_warned_about(organisation, workshop):
    result = run(organisation, workshop, HEADER + "\nC-001,Post-16,7,ASD,EHCP,MSS,\nC-002,Secondary,9,ASD,EHCP,MSS,\n")
    assert Case.objects.filter(organisation=organisation).count() == 2  # a warning, not a refusal
    assert [str(warning) for warning in result.warnings] == [
        "Line 2: C-001: Post-16 in year 7 is unusual. Check the phase and the year group; "
        "the case was imported as written."
    ]


def test_usual_combinations_and_a_blank_year_raise_no_warning(organisation, workshop):
    text = (
        HEADER
        + "\nC-001,Early years,R,ASD,EHCP,MSS,\nC-002,Primary,Year 6,ASD,EHCP,MSS,"
        + "\nC-003,Post-16,13,ASD,EHCP,MSS,\nC-004,Secondary,,ASD,EHCP,MSS,\n"
    )
    assert run(organisation, workshop, text).warnings == []


def test_primary_in_nursery_says_nursery(organisation, workshop):
    result = run(organisation, workshop, HEADER + "\nC-001,Primary,N,ASD,EHCP,MSS,\n")
    assert "Primary in nursery is unusual" in str(result.warnings[0])


def test_the_lead_sees_the_warnings_with_the_import_result(client_for, lead, workshop):
    upload = SimpleUploadedFile(
        "cases.csv", (HEADER + "\nC-001,Post-16,7,ASD,EHCP,MSS,\n").encode(), content_type="text/csv"
    )
    response = client_for(lead).post(reverse("case_import", args=[workshop.pk]), {"file": upload}, follow=True)
    page = response.content.decode()
    assert "Imported 1 case" in page
    assert "C-001: Post-16 in year 7 is unusual." in page
