"""What the import commands share: reading the file and reporting every problem."""

from pathlib import Path

from django.core.management.base import CommandError

from casereview.models import Organisation
from workshops.imports import ImportRejected


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug).first()
    if organisation is None:
        raise CommandError(f"There is no organisation with the slug {slug!r}.")
    return organisation


def read_file(path: str) -> bytes:
    try:
        return Path(path).read_bytes()
    except OSError as error:
        raise CommandError(f"Could not read {path}: {error.strerror}.") from None


def rejected(error: ImportRejected) -> CommandError:
    lines = "\n".join(f"  {problem}" if problem.line else f"  {problem.message}" for problem in error.problems)
    return CommandError(f"Nothing was imported. Fix these {len(error.problems)} problem(s) and run it again:\n{lines}")
