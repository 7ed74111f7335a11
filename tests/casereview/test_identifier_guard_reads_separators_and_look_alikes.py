"""The identifier guard reads every separator and look-alike as the person meant it (issue
"Hardening round 3", part E): slashes, commas and brackets between digit groups, hyphens and
spaces inside a UPN, digits of any script, Cyrillic and Greek capitals in a postcode, ``(at)``,
``[at]`` and `` at `` for @, ideographic and full-width full stops. Ordinary answers (scores,
school years, dates, lists of numbers) stay accepted, on a form and on a phone."""

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from stdnum.gb import nhs, upn

from casereview.identifiers import find_identifiers, reject_attendee_identifiers, reject_identifiers

UPN = "a UPN (unique pupil number)"
NHS = "an NHS number"
EMAIL = "an email address"
POSTCODE = "a postcode"
PHONE = "a phone number"

# The zero of each script's digits: ASCII, Arabic-Indic, Extended Arabic-Indic (Persian, Urdu),
# Devanagari, Bengali, Thai, full-width, mathematical bold.
DIGIT_ZEROS = [0x30, 0x660, 0x6F0, 0x966, 0x9E6, 0xE50, 0xFF10, 0x1D7CE]


def in_script(text: str, zero: int) -> str:
    return "".join(chr(zero + int(c)) if c.isdigit() else c for c in text)


def kinds(text: str, *, strict: bool = False) -> list[str]:
    return [finding.kind for finding in find_identifiers(text, strict=strict)]


def refused(text: str, kind: str) -> None:
    assert kind in kinds(text), text
    with pytest.raises(ValidationError):
        reject_identifiers(text)
    with pytest.raises(ValidationError):
        reject_attendee_identifiers(text)


NHS_NUMBERS = [n for n in ("9434765919", "4010232137", "4857773457", "6541238570") if nhs.is_valid(n)]
# How people write the groups 3-3-4 apart (the original: "943/476/5919", "943,476,5919", "(943) 476 5919").
NHS_LAYOUTS = [
    "{}/{}/{}",
    "{} / {} / {}",
    "{},{},{}",
    "{}, {}, {}",
    "({}) {} {}",
    "({}) {}-{}",
    "[{}] {} {}",
    "{}_{}_{}",
    "{}\u3000{}\u3000{}",
    "{} \u2013 {} \u2014 {}",
    "{}{}{}",
]
POSITIONS = ["{}", "nhs no {} thanks", "Year 9 {}", "seen 20/05/2026 {} by GP", "{}, Year 7 transition"]


def test_the_examples_of_the_issue_are_refused():
    for text in ["943/476/5919", "943,476,5919", "(943) 476 5919", "٩٤٣ ٤٧٦ ٥٩١٩"]:
        refused(text, NHS)
    for text in ["H-801200001001", "H 801 2000 01001"]:
        refused(text, UPN)
    for text in ["SW1A-1AA", "SW1A.1AA", "SW1\u0410 1\u0410\u0410"]:
        refused(text, POSTCODE)
    for text in ["jo(at)x.com", "jo@example\u3002com"]:
        refused(text, EMAIL)


@pytest.mark.parametrize("number", NHS_NUMBERS)
def test_an_nhs_number_is_found_with_any_separator_in_any_script_anywhere(number):
    for layout, zero, position in itertools.product(NHS_LAYOUTS, DIGIT_ZEROS, POSITIONS):
        typed = in_script(layout.format(number[:3], number[3:6], number[6:]), zero)
        text = position.format(typed)
        assert NHS in kinds(text), text
        found = [f for f in find_identifiers(text) if f.kind == NHS]
        assert found[0].text.endswith(typed[-1]) and found[0].text in text  # quoted as typed


@pytest.mark.parametrize("separator", ["/", ",", ") ", ", "])
def test_a_phone_answer_shaped_like_an_nhs_number_is_refused_whatever_its_check_digit(separator):
    for zero in DIGIT_ZEROS:
        text = in_script(f"485{separator}777{separator}3456", zero)  # wrong check digit
        assert kinds(text) == []
        with pytest.raises(ValidationError, match="NHS"):
            reject_attendee_identifiers(text)


def valid_upns():
    bodies = [f"{la:03d}{school:04d}{year:02d}{serial:03d}" for la, school, year, serial in [(801, 2000, 1, 1)]]
    bodies += [f"{la:03d}{(la * 7) % 10000:04d}{la % 100:02d}{la % 1000:03d}" for la in sorted(upn._la_numbers)[::25]]
    return [upn.calc_check_digit(body) + body for body in bodies]


@pytest.mark.parametrize("number", valid_upns())
def test_a_upn_is_found_with_hyphens_spaces_and_digits_of_any_script(number):
    letter, digits = number[0], number[1:]
    layouts = [digits, f"{digits[:3]} {digits[3:7]} {digits[7:]}", f"{digits[:3]}-{digits[3:7]}-{digits[7:]}"]
    for before, layout, zero, position in itertools.product(
        ["", "-", " ", " - ", "_"], layouts, DIGIT_ZEROS, POSITIONS
    ):
        text = position.format(letter + before + in_script(layout, zero))
        assert UPN in kinds(text), text


def test_a_upn_with_a_cyrillic_or_greek_first_letter_is_found():
    # H801200001001: Cyrillic Н, Greek Η; B801200005001: Cyrillic В, Greek Β.
    for text in ["\u041d801200001001", "\u0397-801 2000 01001", "\u0412801200005001", "\u0392 801200005001"]:
        refused(text, UPN)


POSTCODES = ["SW1A 1AA", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "EC1A 1BB", "W1A 0AX", "KT12 3PE"]
# Cyrillic and Greek capitals drawn like Latin ones.
LOOK_ALIKES = {
    "A": "\u0410\u0391",
    "B": "\u0412\u0392",
    "C": "\u0421\u03f9",
    "E": "\u0415\u0395",
    "H": "\u041d\u0397",
    "K": "\u041a\u039a",
    "M": "\u041c\u039c",
    "O": "\u041e\u039f",
    "P": "\u0420\u03a1",
    "T": "\u0422\u03a4",
    "X": "\u0425\u03a7",
    "W": "\u051c",
}


def look_alike(character: str, script: int) -> str:
    """The Cyrillic (0) or Greek (1) letter drawn like ``character``, where there is one."""
    options = LOOK_ALIKES.get(character, "")
    return options[script] if len(options) > script else character


@pytest.mark.parametrize("postcode", POSTCODES)
def test_a_postcode_is_found_with_a_dot_or_a_dash_for_its_space_and_look_alike_letters(postcode):
    outward, inward = postcode.split()
    for separator, script, position in itertools.product(
        [" ", "", "-", ".", " - ", "\u2013", "\u200b"], [0, 1], ["{}", "lives near {} now", "{}, Early Help"]
    ):
        for disguised in [postcode, "".join(look_alike(c, script) for c in postcode)]:
            text = position.format(disguised.replace(" ", separator))
            assert POSTCODE in kinds(text), text
    assert POSTCODE in kinds(in_script(f"{outward} {inward}", 0x660))  # Arabic-Indic digits in a postcode


AT_SIGNS = ["@", "(at)", " (at) ", "[at]", " [at] ", "{at}", " AT ", " at ", "\uff20", "\ufe6b"]
DOTS = [".", "\u3002", "\uff0e", "\uff61", "\ufe52", " dot ", "(dot)", " [dot] "]


def test_an_email_is_found_with_at_and_dot_spelled_out_or_in_another_script():
    for at, dot, domain in itertools.product(AT_SIGNS, DOTS, [("example", "com"), ("school", "sch", "uk")]):
        text = f"write to jo.bloggs{at}{dot.join(domain)} please"
        assert EMAIL in kinds(text), text


@pytest.mark.parametrize(
    "text",
    ["0161/496/0000", "(0161) 496 0000", "07911/123456", "07911,123456", "\u0660\u0667\u0669\u0661\u0661 123456"],
)
def test_a_phone_number_is_found_with_slashes_brackets_commas_and_other_digits(text):
    refused(f"ring {text} today", PHONE)


ORDINARY = [
    "feeling safe",
    "Early Help",
    "Year 7 transition",
    "1 in 3 children",
    "10/10",
    "2025/26 Autumn term",
    "14–15",
    "ratio 1:1",
    "20/05/2026",
    "Happiness, friends, independence",
    "KS2 results at age 11, 20 pupils in class",
    "£1,250,000 high needs budget",
    "85% attendance, up from 79%",
    "9.30 to 3.15",
    "09:30-15:15",
    "3, 4, 5",
    "ages 11-16",
    "2019-2020, 2020-2021",
    "2018/19 2019/20 2020/21",
    "EHCP issued in 20 weeks",
    "Room 101",
    "good at maths. Then reading",
    "arrive at 9.30",
    "(1) safety (2) friends [3] family",
    "top 10%, 1 of 12",
    "meet at school.Then home",
    "٣ من ١٠",
    "listened to, at last",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_ordinary_answers_are_accepted_on_a_form_and_on_a_phone(text):
    reject_identifiers(text)
    reject_attendee_identifiers(text)


dates = st.dates().map(lambda d: (d.day, d.month, d.year))
date_formats = st.sampled_from(
    ["{d:02d}/{m:02d}/{y}", "{d}/{m}/{y}", "{d}.{m}.{y}", "{y}-{m:02d}-{d:02d}", "{d}/{m}/{yy:02d}"]
)


@given(first=dates, second=dates, fmt=date_formats, joiner=st.sampled_from([" to ", " - ", ", ", " ", "/"]))
def test_dates_and_date_ranges_are_never_refused(first, second, fmt, joiner):
    def typed(day_month_year):
        day, month, year = day_month_year
        return fmt.format(d=day, m=month, y=year, yy=year % 100)

    text = typed(first) + joiner + typed(second)
    assert find_identifiers(text, strict=True) == [], text


@given(
    numbers=st.lists(st.integers(0, 999), min_size=2, max_size=8),
    joiner=st.sampled_from([", ", ",", "/", " / ", "; "]),
)
def test_lists_of_scores_and_counts_are_never_refused(numbers, joiner):
    text = joiner.join(map(str, numbers))
    assert find_identifiers(text, strict=True) == [], text


@given(scores=st.lists(st.integers(0, 10), min_size=1, max_size=8), start=st.integers(1990, 2040))
def test_scores_out_of_ten_and_school_years_are_never_refused(scores, start):
    assert find_identifiers(", ".join(f"{s}/10" for s in scores), strict=True) == []
    assert find_identifiers(f"{start}/{(start + 1) % 100:02d} {start + 1}/{(start + 2) % 100:02d}", strict=True) == []


@pytest.mark.parametrize(
    "text", ["943/476/5919", "(943) 476 5919", "٩٤٣ ٤٧٦ ٥٩١٩", "jo(at)x.com", "SW1\u0410-1\u0410\u0410"]
)
def test_a_phone_answer_holding_one_never_reaches_the_screen(phone, words_poll, text):
    from tests.fixtures import answer
    from workshops.models import PollResponse

    page = answer(phone, words_poll, word=[text]).content.decode()
    assert "casereview never stores anything that could identify a child" in page
    assert not PollResponse.objects.filter(poll=words_poll).exists()


def test_a_room_name_holding_one_is_refused_on_the_form(client_for, lead, workshop):
    from workshops.models import BreakoutRoom

    for name in ["Room 943/476/5919", "Room H-801200001001"]:
        response = client_for(lead).post(reverse("room_create", args=[workshop.pk]), {"name": name})
        assert response.status_code == 200
        assert "could identify a child" in response.content.decode()
    assert not BreakoutRoom.objects.filter(workshop=workshop).exists()


def test_a_date_range_that_holds_a_valid_nhs_number_is_still_a_date_range():
    # Found by hypothesis: the digits of "26.1.96 - 26.1.96" are 2619626196, a valid NHS number.
    for text in ("26.1.96 - 26.1.96", "26 1 96 - 26 1 96", "1.1.96-1.1.96"):
        assert find_identifiers(text, strict=True) == [], text
