from django.core.management.base import BaseCommand

from casereview.uploads import ImportRejected
from workshops.imports import review_import
from workshops.management.commands._import_command import organisation_by_slug, read_file, rejected


class Command(BaseCommand):
    help = (
        "Import reviews recorded on paper from a CSV or XLSX file. Columns: reference, workshop, room, consensus, "
        "ideal_outcome, non_ideal_areas, better_provision, themes, notes (several values separated by ';'). "
        "Cases and workshops must exist already."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--org", required=True, help="The organisation's slug.")

    def handle(self, *args, path, org, **options):
        organisation = organisation_by_slug(org)
        try:
            count = review_import(organisation=organisation, filename=path, data=read_file(path))
        except ImportRejected as error:
            raise rejected(error) from None
        self.stdout.write(self.style.SUCCESS(f"Imported {count} reviews."))
