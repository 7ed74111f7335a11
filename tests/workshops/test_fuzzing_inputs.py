"""Property tests: whatever arrives (files, codes, answers), nothing crashes, nothing is half
imported, and every refusal comes with a message."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analytics.models import SettingRow, SettingsDataset
from analytics.settings_import import settings_import
from workshops.imports import CASE_COLUMNS, REVIEW_COLUMNS, ImportRejected, case_import, review_import
from workshops.models import Case, CaseAllocation, CaseReview, PollResponse

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
cell = st.one_of(st.text(max_size=20), st.sampled_from(["ASD", "MSS", "EHCP", "Secondary", "yes", "no", "9", "", "C-001", "=1+1"]))
header = st.lists(st.sampled_from(CASE_COLUMNS + REVIEW_COLUMNS + ["room", "junk", ""]), min_size=0, max_size=9)


@st.composite
def csv_files(draw):
    columns = draw(header)
    rows = draw(st.lists(st.lists(cell, min_size=len(columns), max_size=len(columns)), max_size=6))
    text = "\n".join(",".join(f'"{c}"' if "," in c or "\n" in c else c for c in row) for row in [columns, *rows])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"]))
    return text.encode(encoding, errors="replace")


def counts():
    return (Case.objects.count(), CaseAllocation.objects.count(), CaseReview.objects.count(),
            SettingsDataset.objects.count(), SettingRow.objects.count())


@FUZZ
@given(data=st.one_of(csv_files(), st.binary(max_size=300)), name=st.sampled_from(["cases.csv", "cases.xlsx", "cases.txt"]))
def test_case_import_either_imports_everything_or_nothing_with_reasons(organisation, workshop, data, name):
    before = counts()
    try:
        result = case_import(organisation=organisation, workshop=workshop, filename=name, data=data)
    except ImportRejected as rejected:
        assert rejected.problems and all(problem.message for problem in rejected.problems)
        assert counts() == before
    else:
        assert Case.objects.count() >= before[0] and result.created + result.updated > 0


@FUZZ
@given(data=st.one_of(csv_files(), st.binary(max_size=300)))
def test_review_import_either_imports_everything_or_nothing_with_reasons(organisation, workshop, allocations, data):
    before = counts()
    try:
        review_import(organisation=organisation, filename="reviews.csv", data=data)
    except ImportRejected as rejected:
        assert rejected.problems and all(problem.message for problem in rejected.problems)
        assert counts() == before


@FUZZ
@given(data=st.one_of(csv_files(), st.binary(max_size=300)), name=st.text(max_size=30))
def test_settings_upload_either_keeps_everything_or_nothing_with_reasons(organisation, data, name):
    before = counts()
    try:
        settings_import(organisation=organisation, name=name or "x", filename="settings.csv", data=data)
    except ImportRejected as rejected:
        assert rejected.problems and all(problem.message for problem in rejected.problems)
        assert counts() == before


@FUZZ
@given(code=st.text(max_size=40))
def test_any_join_code_gets_a_page_not_an_error(client, workshop, code):
    response = client.get("/join/", {"code": code})
    assert response.status_code in (200, 302, 404)


@FUZZ
@given(words=st.lists(st.text(max_size=80), max_size=4), choice=st.text(max_size=20), value=st.text(max_size=5), role=st.text(max_size=12))
def test_any_answer_from_a_phone_is_stored_or_refused_cleanly(phone, words_poll, words, choice, value, role):
    before = PollResponse.objects.count()
    response = phone.post(f"/j/{words_poll.workshop.join_code}/polls/{words_poll.pk}/",
                          {"word": words, "choice": choice, "value": value, "role": role})
    # Stored (302), or refused with every box shown again as typed and nothing stored (400).
    assert response.status_code in (302, 400)
    if response.status_code == 400:
        assert PollResponse.objects.count() == before
    stored = PollResponse.objects.order_by("-pk")[: PollResponse.objects.count() - before]
    for answer in stored:  # whatever was kept is within the rules
        assert 0 < len(answer.text) <= 40 and answer.normalised
