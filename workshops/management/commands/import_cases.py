from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from casereview.uploads import ImportRejected
from workshops.imports import case_import
from workshops.management.commands._import_command import organisation_by_slug, read_file, rejected, workshop_date
from workshops.models import Workshop


class Command(BaseCommand):
    help = (
        "Import cases from a CSV or XLSX file into a workshop (created if it does not exist). Columns: "
        "reference, phase, year_group, primary_need, support_level, current_provision, and optionally room."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument("--workshop", required=True, help="The workshop's title.")
        parser.add_argument(
            "--date",
            dest="workshop_date",
            type=workshop_date,
            help="Date of a new workshop (2026-05-20 or 20/05/2026); default today.",
        )

    def handle(self, *args, path, org, workshop, workshop_date, **options):
        organisation = organisation_by_slug(org)
        data = read_file(path)
        title = workshop.strip()
        try:
            # One transaction: a rejected file leaves no new, empty workshop behind either.
            with transaction.atomic():
                target = Workshop.objects.for_organisation(organisation).filter(title__iexact=title).first()
                created_workshop = target is None
                if created_workshop:
                    target = Workshop(organisation=organisation, title=title, date=workshop_date or date.today())
                    target.full_clean()
                    target.save()
                result = case_import(organisation=organisation, workshop=target, filename=path, data=data)
        except ImportRejected as error:
            raise rejected(error) from None
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        if created_workshop:
            self.stdout.write(f"Created the workshop “{target.title}” ({target.date:%-d %B %Y}).")
        if result.rooms_created:
            self.stdout.write(f"Created rooms: {', '.join(result.rooms_created)}.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {result.created + result.updated} cases ({result.created} new) into “{target.title}”."
            )
        )
