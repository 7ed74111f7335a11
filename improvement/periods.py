"""A KPI's periods, named the way its frequency is reported.

A value is kept under its period's first day; the frequency gives the period its name and reads
the names back, so a workbook exported and imported again keeps every value where it was:

- monthly: ``2026-05`` (May 2026)
- quarterly: ``2026/27 Q1`` (financial quarters, Q1 from 1 April)
- termly: ``2025/26 Autumn term`` (from 1 September), ``Spring term`` (1 January), ``Summer term`` (1 April)
- annual: ``2025/26`` (the academic year, from 1 September)
- per workshop and ad hoc: the day, ``2026-05-20``

Any frequency also reads a plain date (``2026-05-20`` or ``20/05/2026``) or month (``2026-05``,
``May 2026``) and files it under the period that holds it."""

import datetime
import re

TERMS = (("Autumn", 9), ("Spring", 1), ("Summer", 4))
_TERM = re.compile(r"^(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s+(autumn|spring|summer)(?:\s+term)?$", re.I)
_YEAR = re.compile(r"^(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})$")
_QUARTER = re.compile(r"^(\d{4})\s*[/\-–]\s*(\d{2}|\d{4})\s+q([1-4])$", re.I)


def _academic_year_start(day: datetime.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


def _financial_year_start(day: datetime.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def _year_label(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _checked_start_year(first: str, second: str, text: str) -> int:
    start = int(first)
    end = int(second) if len(second) == 4 else (start // 100) * 100 + int(second)
    if end != start + 1:
        raise ValueError(f"period “{text}”: a year such as 2025/26 runs into the next year.")
    return start


def _quarter_start(financial_year: int, quarter: int) -> datetime.date:
    month = 4 + (quarter - 1) * 3  # 4, 7, 10, 13 (January of the next year)
    return datetime.date(financial_year + (month > 12), (month - 1) % 12 + 1, 1)


def period_start(frequency: str, day: datetime.date) -> datetime.date:
    """The first day of the period of ``frequency`` that holds ``day``."""
    if frequency == "monthly":
        return day.replace(day=1)
    if frequency == "quarterly":
        return _quarter_start(_financial_year_start(day), ((day.month - 4) % 12) // 3 + 1)
    if frequency == "termly":
        month = 9 if day.month >= 9 else 4 if day.month >= 4 else 1
        return datetime.date(day.year, month, 1)
    if frequency == "annual":
        return datetime.date(_academic_year_start(day), 9, 1)
    return day


def period_label(frequency: str, start: datetime.date) -> str:
    if frequency == "monthly":
        return f"{start:%Y-%m}"
    if frequency == "quarterly":
        quarter = ((start.month - 4) % 12) // 3 + 1
        return f"{_year_label(_financial_year_start(start))} Q{quarter}"
    if frequency == "termly":
        term = next(name for name, month in TERMS if month == period_start("termly", start).month)
        return f"{_year_label(_academic_year_start(start))} {term} term"
    if frequency == "annual":
        return _year_label(_academic_year_start(start))
    return start.isoformat()


def _looks_like_a_month(text: str, match) -> bool:
    """ "2025-09" is September 2025; "2025-26" and "2025/26" are academic years."""
    return "-" in text and len(match[2]) == 2 and int(match[2]) != (int(match[1]) + 1) % 100


def _plain_date(text: str) -> tuple[datetime.date, bool] | None:
    """A date or a month as people type them; the flag says whether a day was given."""
    for pattern, has_day in (
        ("%Y-%m-%d", True),
        ("%d/%m/%Y", True),
        ("%Y-%m", False),
        ("%m/%Y", False),
        ("%b %Y", False),
        ("%B %Y", False),
    ):
        try:
            return datetime.datetime.strptime(text, pattern).date(), has_day
        except ValueError:
            continue
    return None


def parse_period(text: str, frequency: str = "monthly") -> datetime.date:
    """The first day of the period ``text`` names, for a KPI of ``frequency``. ValueError with a
    sentence a person understands when it names none."""
    text = " ".join(str(text).split())
    if match := _TERM.match(text):
        start = _checked_start_year(match[1], match[2], text)
        name = match[3].capitalize()
        month = dict(TERMS)[name]
        return datetime.date(start if month == 9 else start + 1, month, 1)
    if match := _QUARTER.match(text):
        return _quarter_start(_checked_start_year(match[1], match[2], text), int(match[3]))
    if (match := _YEAR.match(text)) and not _looks_like_a_month(text, match):
        return datetime.date(_checked_start_year(match[1], match[2], text), 9, 1)
    if plain := _plain_date(text):
        return period_start(frequency, plain[0])
    raise ValueError(
        f"period “{text}” is not a period: write a month (2026-05), a term (2025/26 Autumn term), "
        "an academic year (2025/26), a quarter (2026/27 Q1) or a date (2026-05-20)."
    )
