"""The identifier guard: free text never carries something that identifies a child (docs/design.md,
“Tenancy and privacy”).

UPNs and NHS numbers are recognised by their check digits (python-stdnum), phone numbers by
libphonenumber's UK rules; emails and postcodes by their shape. Names cannot be detected
reliably, so forms say not to type them.

Text is read the way the person typing it meant it, so that the way an identifier is typed does
not hide it:

- each character in NFKC (full-width digits and ＠ become plain ones), format characters dropped
  (zero-width spaces, soft hyphens, direction marks), digits of any script read as 0-9
  (``٩٤٣`` is 943), ideographic and full-width full stops read as ``.``, and the Cyrillic and
  Greek capitals drawn like Latin ones read as those (``SW1А 1АА`` with a Cyrillic А);
- digits are read in runs: groups of digits with short runs of separators between them (spaces,
  dots, dashes, underscores, slashes, commas, brackets: ``943/476/5919``, ``(943) 476 5919``,
  ``H-801 2000 01001``). A UPN, an NHS number or a phone number is any stretch of consecutive
  groups of a run whose digits are one (a valid check digit, or a valid UK number), so
  ``Year 9 943 476 5919`` is found too. Separators never split a group: ``10/10``, ``2025/26``
  and ``20/05/2026`` are nine digits or fewer and pass;
- an email is also ``jo(at)x.com``, ``jo [at] x [dot] com`` or ``jo at x.com``; a postcode may
  have a dot or a dash for its space (``SW1A-1AA``).

What a person is told quotes what they typed.

An attendee's answer is checked strictly (``reject_attendee_identifiers``): no answer to a poll
needs anything shaped like a UPN (a letter and twelve digits) or an NHS number (ten digits typed
together or in groups of three or more), so one is refused even with a wrong check digit.
"""

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum.gb import nhs, upn

UPN_KIND = "a UPN (unique pupil number)"
NHS_KIND = "an NHS number"
EMAIL_KIND = "an email address"
POSTCODE_KIND = "a postcode"
PHONE_KIND = "a phone number"
# Ten digits with a wrong check digit (strict only): named an NHS number, after a phone number it could also be.
_NHS_SHAPE = "ten digits"

# What people put between groups of digits: spaces of any kind, dots, dashes of any kind,
# underscores, slashes, commas and brackets; at most this many in a row.
_SEPARATORS = r"\s.\-_\u2010-\u2015\u2212/,()\[\]{}"
_MOST_SEPARATORS = 4
DIGIT_RUN = re.compile(rf"[0-9]+(?:[{_SEPARATORS}]{{1,{_MOST_SEPARATORS}}}[0-9]+)*")
DIGIT_GROUP = re.compile(r"[0-9]+")
_SEPARATOR = re.compile(rf"[{_SEPARATORS}]")
# Separators of lists, fractions and dates: they join groups of three digits or more only.
_LISTING = re.compile(r"[/,()\[\]{}]")
# Bounded as email addresses are (64 characters before the @, 63 a domain label): unbounded, a
# text of 10,000 letters or digits cost seconds of backtracking, from any text field or phone.
_EMAIL_LOCAL = r"[\w.+-]{1,64}"
_LABEL = r"[\w-]{1,63}"
_BRACKETED_AT = r"\s*[(\[{<]\s*at\s*[)\]}>]\s*"
_DOT = r"(?:\.|\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)"
EMAIL = re.compile(
    rf"{_EMAIL_LOCAL}(?:@|{_BRACKETED_AT}){_LABEL}(?:{_DOT}{_LABEL})+",
    re.IGNORECASE,
)
# "jo at example.com" only with a domain ending the way email domains do: "good at 9.30" is no email.
EMAIL_SPELLED_OUT = re.compile(
    rf"{_EMAIL_LOCAL}\s+at\s+{_LABEL}(?:{_DOT}{_LABEL})*{_DOT}"
    r"(?:com|org|net|uk|gov|nhs|sch|ac|edu|info|io|me|ie|eu)\b",
    re.IGNORECASE,
)
# The shape of a UK postcode (outward code, a space, dot or dash optional, inward code), e.g. "SW1A 1AA".
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR[\s.\-_\u2010-\u2015\u2212]{0,3}0AA|"
    r"[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]?[\s.\-_\u2010-\u2015\u2212]{0,3}\d[ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)

# Letters of other scripts drawn like Latin ones (Cyrillic, then Greek): "SW1А 1АА" is a postcode.
_LOOK_ALIKES = str.maketrans(
    "АВСЕНІЈКМОРЅТХУҮԚԜаеіјорсѕхуүԛԝһΑΒΕΖΗΙΚΜΝΟΡΤΥΧϹαιικνορυχ",
    "ABCEHIJKMOPSTXYYQWaeijopcsxyyqwhABEZHIKMNOPTYXCaiikvopux",
)
# Full stops of other scripts (NFKC already turns the full-width one and the small one into ".").
_FULL_STOPS = frozenset("\u3002\u0701\u0702\u06d4\u0964")


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int

    def overlaps(self, other: "Finding") -> bool:
        return self.start < other.end and other.start < self.end


def _read_as_meant(character: str) -> str:
    """One character of the NFKC form as the guard reads it."""
    if character.isdecimal() and not character.isascii():
        return str(unicodedata.decimal(character))
    if character in _FULL_STOPS:
        return "."
    return character.translate(_LOOK_ALIKES)


def normalise_for_matching(text: str) -> tuple[str, list[int]]:
    """``text`` in the form the guard matches, and for each of its characters the index of the
    character of ``text`` it came from (so a finding can quote what was typed)."""
    characters: list[str] = []
    origins: list[int] = []
    for index, character in enumerate(text):
        for normal in unicodedata.normalize("NFKC", character.translate(_LOOK_ALIKES)):
            if unicodedata.category(normal) == "Cf":
                continue  # zero-width spaces and joiners, soft hyphens, direction marks
            characters.append(_read_as_meant(normal))
            origins.append(index)
    return "".join(characters), origins


def _numbers_in(normal: str, *, strict: bool) -> list[tuple[str, int, int]]:
    """(kind, start, end) in ``normal`` of every UPN, NHS number and phone number its digit runs hold."""
    found: list[tuple[str, int, int]] = []
    for run in DIGIT_RUN.finditer(normal):
        groups = [(run.start() + g.start(), run.start() + g.end()) for g in DIGIT_GROUP.finditer(run.group())]
        spaced = not _LISTING.search(run.group())
        found += _upn_at(normal, groups, strict=strict, spaced=spaced)
        sizes = [end - start for start, end in groups]
        # Short groups join into one number only as a whole run (``_grouped_as_one_number``), and a
        # run of more than 15 digits is never one number: then a stretch that has met a short group
        # can stop growing. Without this, 5,000 spaced digits cost 75,000 checks.
        whole_run_fits = sum(sizes) <= 15
        for first in range(len(groups)):
            digits = ""
            shortest_group = shortest_after_first = None
            for last in range(first, len(groups)):
                digits += normal[groups[last][0] : groups[last][1]]
                if len(digits) > 15:
                    break
                start, end = groups[first][0], groups[last][1]
                shortest_group = min(shortest_group or sizes[last], sizes[last])
                if last > first:
                    shortest_after_first = min(shortest_after_first or sizes[last], sizes[last])
                international = start > 0 and normal[start - 1] == "+"
                joined = shortest_after_first if international else shortest_group
                if not whole_run_fits and joined is not None and joined < 3:
                    break
                if not _grouped_as_one_number(groups, first, last, international=international, spaced=spaced):
                    continue
                if len(digits) == 10 and nhs.is_valid(digits):
                    found.append((NHS_KIND, start, end))
                elif len(digits) == 10 and strict and shortest_group >= 3:
                    found.append((_NHS_SHAPE, start, end))
                elif _is_phone_number(digits, international=international):
                    found.append((PHONE_KIND, start - international, end))
    return found


def _grouped_as_one_number(
    groups: list[tuple[int, int]], first: int, last: int, *, international: bool, spaced: bool
) -> bool:
    """Whether groups ``first`` to ``last`` of a run can be one number as people group one: groups
    of three digits or more (``943 476 5919``, ``943/476/5919``, ``+44 7911 123456``), or a whole
    run ``spaced`` only by spaces, dots, dashes and underscores (``9 4 3 4 7 6 5 9 1 9``,
    ``94 34 76 59 19``); never a stretch of short groups (``2009/10 2010/11``, ``8/10, 1/10``,
    ``12, 34, 5, 6789``, dates such as ``26.1.96 - 26.1.96``)."""
    if spaced and first == 0 and last == len(groups) - 1:
        # Digits typed apart (all single) or in pairs and more; never a mix of single digits and
        # pairs, which is how dates are typed ("26.1.96 - 26.1.96" holds a valid NHS number).
        sizes = [end - start for start, end in groups]
        return all(size == 1 for size in sizes) or min(sizes) >= 2
    sizes = [end - start for start, end in groups[first + international : last + 1]]
    return min(sizes, default=0) >= 3


def _upn_at(normal: str, groups: list[tuple[int, int]], *, strict: bool, spaced: bool) -> list[tuple[str, int, int]]:
    """A UPN made of the letter just before a run of digits (a few separators between allowed:
    ``H-801…``, ``H 801…``), the run's first groups and, for a temporary UPN, a letter just after."""
    letter = groups[0][0] - 1
    while letter >= 0 and groups[0][0] - letter <= _MOST_SEPARATORS and _SEPARATOR.match(normal[letter]):
        letter -= 1
    if letter < 0 or not _is_latin_letter(normal[letter]) or normal[letter - 1 : letter].isalnum():
        return []
    digits = ""
    for last, (group_start, group_end) in enumerate(groups):
        digits += normal[group_start:group_end]
        if len(digits) > 12:
            break
        after = normal[group_end : group_end + 2]
        if len(digits) == 12 and not after[:1].isalnum():
            candidate, end = normal[letter] + digits, group_end
        elif len(digits) == 11 and _is_latin_letter(after[:1]) and not after[1:2].isalnum():
            candidate, end = normal[letter] + digits + after[0], group_end + 1
        else:
            continue
        if _grouped_as_one_number(groups, 0, last, international=False, spaced=spaced) and (
            strict or upn.is_valid(candidate)
        ):
            return [(UPN_KIND, letter, end)]
        break
    return []


def _is_latin_letter(character: str) -> bool:
    return len(character) == 1 and character.isascii() and character.isalpha()


def _is_phone_number(digits: str, *, international: bool) -> bool:
    """Whether ``digits`` dial a valid number: from the UK (0…), or abroad (+… or 00…)."""
    if international:
        number = "+" + digits
    elif digits.startswith("00"):
        number = "+" + digits[2:]
    elif digits.startswith("0") and len(digits) in (10, 11):
        number = digits
    else:
        return False
    try:
        return phonenumbers.is_valid_number(phonenumbers.parse(number, "GB"))
    except phonenumbers.NumberParseException:
        return False


def find_identifiers(text: str, *, strict: bool = False) -> list[Finding]:
    """Every identifier-like piece of ``text``, in the order it appears, quoted as typed.

    ``strict`` also finds anything shaped like a UPN or an NHS number, whatever its check digit."""
    if not text:
        return []
    normal, origins = normalise_for_matching(text)
    if not normal:
        return []

    def finding(kind: str, start: int, end: int) -> Finding:
        first, last = origins[start], origins[end - 1] + 1
        return Finding(kind, text[first:last], first, last)

    spans = _numbers_in(normal, strict=strict)
    spans += [
        (EMAIL_KIND, m.start(), m.end()) for pattern in (EMAIL, EMAIL_SPELLED_OUT) for m in pattern.finditer(normal)
    ]
    spans += [(POSTCODE_KIND, m.start(), m.end()) for m in POSTCODE.finditer(normal)]
    spans += [
        (PHONE_KIND, match.start, match.end)
        for match in phonenumbers.PhoneNumberMatcher(normal, "GB", leniency=phonenumbers.Leniency.VALID)
    ]
    # Each piece of text is named once, as what it most likely is: a checksum-valid NHS number can
    # also be dialled, and a stretch of a run may hold two overlapping candidates.
    priority = [UPN_KIND, NHS_KIND, EMAIL_KIND, POSTCODE_KIND, PHONE_KIND, _NHS_SHAPE]
    findings: list[Finding] = []
    for kind, start, end in sorted(spans, key=lambda span: (priority.index(span[0]), span[1], -span[2])):
        found = finding(NHS_KIND if kind == _NHS_SHAPE else kind, start, end)
        if not any(found.overlaps(other) for other in findings):
            findings.append(found)
    return sorted(findings, key=lambda found: found.start)


def reject_identifiers(value: str) -> None:
    """A field validator: refuse text holding a child's identifier, saying what was found."""
    _refuse(find_identifiers(value))


def reject_attendee_identifiers(value: str) -> None:
    """The check for an attendee's answer: ``reject_identifiers``, and anything shaped like a UPN
    or an NHS number too, whatever its check digit (no answer to a poll needs one)."""
    _refuse(find_identifiers(value, strict=True))


def _refuse(findings: list[Finding]) -> None:
    if findings:
        found = "; ".join(f"{finding.kind} (“{finding.text}”)" for finding in findings)
        raise ValidationError(
            "This looks like it contains %(found)s. Remove it: casereview never stores anything that "
            "could identify a child.",
            code="identifier",
            params={"found": found},
        )
