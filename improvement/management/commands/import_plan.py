from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from casereview.models import Organisation
from casereview.uploads import ImportRejected
from improvement.models import Plan
from improvement.workbook.importer import plan_create_from_workbook, plan_import


class Command(BaseCommand):
    help = (
        "Import an improvement plan from a plan workbook (.xlsx: sheets Actions, Risks, KPIs, KPI values): "
        "creates the plan when the LA has none of that title, else updates it, matched by reference. "
        "All or nothing: every bad row is listed on stderr and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="The workbook (.xlsx).")
        parser.add_argument("--org", required=True, help="The organisation's slug.")
        parser.add_argument("--plan", required=True, help="The plan's title (created when missing).")

    def handle(self, *args, file, org, plan, **options):
        organisation = Organisation.objects.filter(slug=org).first()
        if organisation is None:
            raise CommandError(f"There is no organisation with the slug {org!r}.")
        path = Path(file)
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Could not read {file}: {error.strerror}.") from None
        title = " ".join(plan.split())
        existing = Plan.objects.for_organisation(organisation).filter(title__iexact=title).first()
        try:
            if existing is None:
                result = plan_create_from_workbook(
                    organisation=organisation, title=title, filename=path.name, data=data, by=None
                )
            else:
                result = plan_import(plan=existing, filename=path.name, data=data, by=None)
        except ImportRejected as rejected:
            for problem in rejected.problems:
                self.stderr.write(str(problem))
            count = len(rejected.problems)
            raise CommandError(f"Nothing was imported: {count} problem{'s' if count != 1 else ''} to fix.") from None
        self.stdout.write(f"{'Created' if existing is None else 'Updated'} “{result.plan.title}”.")
        for kind, counts in result.counts.items():
            self.stdout.write(f"{kind}: {counts}")
        self.stdout.write(f"In all: {result.total}")
