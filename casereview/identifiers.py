"""The identifier guard: free text never carries something that identifies a child (docs/design.md,
“Tenancy and privacy”).

UPNs and NHS numbers are recognised by their check digits (python-stdnum), phone numbers by
libphonenumber's UK rules; emails and postcodes by their shape. Names cannot be detected
reliably, so forms say not to type them.

Text is matched in a normal form, so that the way an identifier is typed does not hide it: NFKC
(full-width digits and ＠ become plain ones), format characters dropped (zero-width spaces, soft
hyphens, direction marks), and any run of spaces, dots, dashes or underscores between two digits
read as a separator (``H801 2000 01001``, ``943.476.5919``). What a person is told quotes what
they typed.

An attendee's answer is checked strictly (``reject_attendee_identifiers``): no answer to a poll
needs anything shaped like a UPN or an NHS number, so one is refused even with a wrong check digit.
"""

import re
import unicodedata
from dataclasses import dataclass

import phonenumbers
from django.core.exceptions import ValidationError
from stdnum.gb import nhs, upn

UPN_CANDIDATE = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]\d{11}[A-Za-z0-9](?![A-Za-z0-9])")
NHS_CANDIDATE = re.compile(r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{4}(?![\d-])")
EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# The shape of a UK postcode (outward code, space optional, inward code), e.g. "SW1A 1AA".
POSTCODE = re.compile(
    r"(?<![A-Za-z0-9])(?:GIR ?0AA|[A-PR-UWYZ][A-HK-Y]?\d[A-HJKPSTUW\d]? ?\d[ABD-HJLNP-UW-Z]{2})(?![A-Za-z0-9])",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Finding:
    kind: str
    text: str
    start: int
    end: int

    def overlaps(self, other: "Finding") -> bool:
        return self.start < other.end and other.start < self.end


# What people put between groups of digits: spaces of any kind, dots, dashes of any kind, underscores.
_DIGIT_SEPARATORS = frozenset(" .-_\u2010\u2011\u2012\u2013\u2014\u2015\u2212") | {"\t", "\n", "\r"}


def normalise_for_matching(text: str) -> tuple[str, list[int]]:
    """``text`` in the form the guard matches, and for each of its characters the index of the
    character of ``text`` it came from (so a finding can quote what was typed)."""
    characters: list[str] = []
    origins: list[int] = []
    for index, character in enumerate(text):
        for normal in unicodedata.normalize("NFKC", character):
            if unicodedata.category(normal) == "Cf":
                continue  # zero-width spaces and joiners, soft hyphens, direction marks
            characters.append(normal)
            origins.append(index)
    # A run of separators between two digits joins them: "943 476 5919" reads as one number.
    kept_characters: list[str] = []
    kept_origins: list[int] = []
    position = 0
    while position < len(characters):
        character = characters[position]
        if character in _DIGIT_SEPARATORS or character.isspace():
            end = position
            while end < len(characters) and (characters[end] in _DIGIT_SEPARATORS or characters[end].isspace()):
                end += 1
            between_digits = (
                kept_characters
                and kept_characters[-1].isdecimal()
                and end < len(characters)
                and characters[end].isdecimal()
            )
            if not between_digits:
                kept_characters.extend(characters[position:end])
                kept_origins.extend(origins[position:end])
            position = end
            continue
        kept_characters.append(character)
        kept_origins.append(origins[position])
        position += 1
    return "".join(kept_characters), kept_origins


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

    def is_upn(candidate: str) -> bool:
        return strict or upn.is_valid(candidate)

    def is_nhs(candidate: str) -> bool:
        return strict or nhs.is_valid(candidate)

    findings = [
        finding("a UPN (unique pupil number)", m.start(), m.end())
        for m in UPN_CANDIDATE.finditer(normal)
        if is_upn(m.group())
    ]
    findings += [
        finding("an NHS number", m.start(), m.end()) for m in NHS_CANDIDATE.finditer(normal) if is_nhs(m.group())
    ]
    findings += [finding("an email address", m.start(), m.end()) for m in EMAIL.finditer(normal)]
    findings += [finding("a postcode", m.start(), m.end()) for m in POSTCODE.finditer(normal)]
    for match in phonenumbers.PhoneNumberMatcher(normal, "GB", leniency=phonenumbers.Leniency.VALID):
        phone = finding("a phone number", match.start, match.end)
        # A checksum-valid NHS number can also be dialled; say what it most likely is, once.
        if not any(phone.overlaps(found) for found in findings):
            findings.append(phone)
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
