"""References as people write them in plans: "1.1", "14–15", "1.B", "Task 2.A".

A reference is text, never a number, and sorts naturally: "2" before "10", "1.1" before "1.10".
``sort_key`` turns it into a string the database can order by."""

import re

from django.core.exceptions import ValidationError

# Dashes people type between numbers (hyphen, en dash, em dash, minus) read as one.
_DASHES = re.compile(r"[\u2010-\u2015\u2212]")
_CHUNKS = re.compile(r"(\d+)")
_ALLOWED = re.compile(r"^[\w .,/:()\-\u2010-\u2015\u2212]+$")

# Blank references sort after every written one.
BLANK_SORT_KEY = "~"


def normalise(ref: str) -> str:
    return " ".join((ref or "").split())


def sort_key(ref: str) -> str:
    """A key that orders references naturally: each run of digits zero-padded to 8 places."""
    ref = normalise(ref)
    if not ref:
        return BLANK_SORT_KEY
    ref = _DASHES.sub("-", ref).casefold()
    return "".join(chunk.zfill(8) if chunk.isdigit() else chunk for chunk in _CHUNKS.split(ref))[:100]


def validate_ref(ref: str) -> None:
    if ref and not _ALLOWED.match(ref):
        raise ValidationError(
            "Use letters, numbers, dots, dashes or slashes for a reference, e.g. 1.1, 14–15 or 2.A.",
            code="invalid_ref",
        )


def next_whole_ref(refs) -> str:
    """The reference after the highest whole-number one ("3" after "1", "2"), offered for a new line."""
    whole = [int(ref) for ref in refs if ref.isdigit()]
    return str(max(whole, default=0) + 1)
