"""Shared by every download: keep spreadsheet programs from running a cell as a formula."""


def spreadsheet_safe(value):
    """A text cell starting with = + - @ would run as a formula when opened in Excel; quote it."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value
