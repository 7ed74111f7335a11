"""What the import commands share: reading the file, reading a date, and reporting every problem."""

import argparse
from datetime import date, datetime
from pathlib import Path

from django.core.management.base import CommandError

from casereview.management.commands._organisation import organisation_by_slug  # noqa: F401 - the commands' import
from casereview.uploads import ImportRejected


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"Could not read {path}: {error.strerror}.") from None


def workshop_date(text: str) -> date:
    """A date as analysts type it: 2026-05-20 or 20/05/2026 (UK order)."""
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise argparse.ArgumentTypeError(f"{text!r} is not a date: write it as 2026-05-20 or 20/05/2026")


def rejected(error: ImportRejected) -> CommandError:
    count = len(error.problems)
    lines = "\n".join(f"  {problem}" if problem.line else f"  {problem.message}" for problem in error.problems)
    what = "this problem" if count == 1 else f"these {count} problems"
    return CommandError(f"Nothing was imported. Fix {what} and run it again:\n{lines}")
