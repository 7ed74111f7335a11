"""What a stranger may send where a view or an import expects a whole number, for the tests of
every place that reads one (casereview.numbers): none of them is a number to take."""

import sys
import unicodedata


def _unicode_digits() -> list[str]:
    """One of every kind of non-ASCII digit: the first character of each run of Unicode numbers
    (superscripts, circled, Arabic-Indic, Devanagari, full-width, Roman numerals...)."""
    found, previous = [], None
    for code in range(128, sys.maxunicode + 1):
        category = unicodedata.category(chr(code))
        if category in ("Nd", "No", "Nl") and previous != category:
            found.append(chr(code))
        previous = category
    return found


UNICODE_DIGITS = _unicode_digits()
# The strings the bug reports named, then their relatives.
NAMED = ["²", "³", "①", "-1", "1e9", "", "1" * 10_000]
RELATIVES = [
    "٣",  # Arabic-Indic 3: isdecimal(), and int() reads it as 3
    "３",  # full-width 3
    "1²",
    "99999999999999999999",  # 20 digits: past a 64-bit id, so the database driver would raise
    "9" * 4301,  # one past int()'s limit on digits
    "1.5",
    "1,000",
    "+1",
    "0x10",
    "NaN",
    "-",
    " ",
    "1\x00",
]
STRANGE_NUMBERS = NAMED + RELATIVES + [digit for digit in UNICODE_DIGITS[::8]]
# Bytes that are not UTF-8, percent-encoded for a query string and raw for a POST body.
NOT_UTF8 = b"\xff\xfe"
NOT_UTF8_IN_A_QUERY = "%FF%FE"
