"""Reading a whole number from what a stranger sent: a query string, a form field, a cell of an
uploaded file. The one place that does it, so every view and import refuses the same things.

``str.isdigit()`` is true for '²' and '①', which ``int()`` refuses (a server error); ``isdecimal()``
lets through Arabic-Indic and full-width digits, which ``int()`` reads, so '٣' would count as 3;
and ``int()`` of more than 4,300 digits raises. Only ASCII digits are read here, at most
``MAX_DIGITS`` of them, so the number always fits a 64-bit database column.
"""

import re

# 18 digits always fit a signed 64-bit integer (SQLite's INTEGER, PostgreSQL's bigint): a longer
# id would make the database driver raise rather than find nothing.
MAX_DIGITS = 18
_WHOLE_NUMBER = re.compile(rf"-?[0-9]{{1,{MAX_DIGITS}}}")
# Spaces around a number typed into a form or a spreadsheet cell are not worth refusing.
_SPACES = " \t\r\n"


def whole_number(text: object, *, minimum: int | None = None, maximum: int | None = None) -> int | None:
    """The whole number ``text`` spells in ASCII digits (a leading minus allowed, surrounding
    spaces ignored), if it lies within ``minimum`` and ``maximum``; None for anything else:
    None, '', '²', '٣', '1e9', '1.0', '+1', a number of more than 18 digits, a value out of range."""
    if not isinstance(text, str):
        return None
    text = text.strip(_SPACES)
    if not _WHOLE_NUMBER.fullmatch(text):
        return None
    number = int(text)
    if minimum is not None and number < minimum:
        return None
    if maximum is not None and number > maximum:
        return None
    return number


def object_id(text: object) -> int | None:
    """A database id (a whole number of 1 or more) from a request, or None when ``text`` cannot be one."""
    return whole_number(text, minimum=1)
