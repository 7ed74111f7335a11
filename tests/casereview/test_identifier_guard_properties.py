"""Property tests: any checksum-valid UPN or NHS number, anywhere in ordinary text, is found."""

from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import nhs, upn

from casereview.identifiers import find_identifiers

# Words that surround identifiers in case notes; no digits, so they add no identifier of their own.
prose = st.lists(
    st.sampled_from(["pupil", "has", "year", "SEMH", "MSS", "needs", "outreach", "and", "the"]), max_size=6
).map(" ".join)
la_numbers = st.sampled_from(sorted(upn._la_numbers))


@st.composite
def valid_upns(draw):
    body = (
        f"{draw(la_numbers):03d}{draw(st.integers(0, 9999)):04d}"
        f"{draw(st.integers(0, 99)):02d}{draw(st.integers(0, 999)):03d}"
    )
    return upn.calc_check_digit(body) + body


@st.composite
def valid_nhs_numbers(draw):
    stem = f"{draw(st.integers(100000000, 999999999))}"
    for check in range(10):
        if nhs.is_valid(stem + str(check)):
            return draw(st.sampled_from([stem + str(check), f"{stem[:3]} {stem[3:6]} {stem[6:]}{check}"]))
    return None


@given(before=prose, number=valid_upns(), after=prose)
def test_every_valid_upn_is_found(before, number, after):
    assert upn.is_valid(number)
    kinds = [finding.kind for finding in find_identifiers(f"{before} {number} {after}")]
    assert "a UPN (unique pupil number)" in kinds


@given(before=prose, number=valid_nhs_numbers(), after=prose)
def test_every_valid_nhs_number_is_found(before, number, after):
    if number is None:  # this stem has no valid check digit (the NHS never issues it)
        return
    kinds = [finding.kind for finding in find_identifiers(f"{before} {number} {after}")]
    assert kinds == ["an NHS number"]


@given(text=prose)
def test_ordinary_words_are_never_refused(text):
    assert find_identifiers(text) == []
