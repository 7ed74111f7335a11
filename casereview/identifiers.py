"""The identifier guard: free text never carries something that identifies a child (DESIGN.md §7).

UPNs and NHS numbers are recognised by their check digits (python-stdnum), phone numbers by
libphonenumber's UK rules; emails and postcodes by their shape. Names cannot be detected
reliably, so forms say not to type them.
"""

import re
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


def find_identifiers(text: str) -> list[Finding]:
    """Every identifier-like piece of ``text``, in the order it appears."""
    if not text:
        return []
    findings = [
        Finding("a UPN (unique pupil number)", m.group(), m.start(), m.end())
        for m in UPN_CANDIDATE.finditer(text)
        if upn.is_valid(m.group())
    ]
    findings += [
        Finding("an NHS number", m.group(), m.start(), m.end())
        for m in NHS_CANDIDATE.finditer(text)
        if nhs.is_valid(m.group())
    ]
    findings += [Finding("an email address", m.group(), m.start(), m.end()) for m in EMAIL.finditer(text)]
    findings += [Finding("a postcode", m.group(), m.start(), m.end()) for m in POSTCODE.finditer(text)]
    for match in phonenumbers.PhoneNumberMatcher(text, "GB", leniency=phonenumbers.Leniency.VALID):
        phone = Finding("a phone number", match.raw_string, match.start, match.end)
        # A checksum-valid NHS number can also be dialled; say what it most likely is, once.
        if not any(phone.overlaps(found) for found in findings):
            findings.append(phone)
    return sorted(findings, key=lambda finding: finding.start)


def reject_identifiers(value: str) -> None:
    """A field validator: refuse text holding a child's identifier, saying what was found."""
    findings = find_identifiers(value)
    if findings:
        found = "; ".join(f"{finding.kind} (“{finding.text}”)" for finding in findings)
        raise ValidationError(
            "This looks like it contains %(found)s. Remove it: casereview never stores anything that "
            "could identify a child.",
            code="identifier",
            params={"found": found},
        )
