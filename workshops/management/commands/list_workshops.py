from django.core.management.base import BaseCommand
from django.db.models import Count, Q

from casereview.management.commands._organisation import organisation_by_slug
from workshops.models import CaseAllocation, Workshop


class Command(BaseCommand):
    help = "List a LA's workshops: date, status, rooms, cases, reviews and join code, newest first."

    def add_arguments(self, parser):
        parser.add_argument("--org", required=True, help="The organisation's slug (see list_orgs).")

    def handle(self, *args, org, **options):
        organisation = organisation_by_slug(org)
        workshops = list(
            Workshop.objects.for_organisation(organisation)
            .order_by("-date", "title")
            .annotate(
                room_count=Count("rooms", distinct=True),
                # As the workshop page and `report` count them: a case once however many rooms
                # review it (calibration, double review), and the one review of it that counts.
                case_count=Count("allocations", filter=Q(allocations__kind=CaseAllocation.Kind.FIRST), distinct=True),
                review_count=Count(
                    "allocations",
                    filter=Q(allocations__review__isnull=False, allocations__counts_in_reports=True),
                    distinct=True,
                ),
            )
        )
        if not workshops:
            self.stdout.write(f"{organisation.name} has no workshops yet.")
            return
        self.stdout.write(
            f"{'date':<10}  {'status':<6}  {'rooms':>5}  {'cases':>5}  {'reviews':>7}  {'code':<6}  title"
        )
        for w in workshops:
            self.stdout.write(
                f"{w.date:%Y-%m-%d}  {w.status:<6}  {w.room_count:>5}  {w.case_count:>5}  {w.review_count:>7}  "
                f"{w.join_code:<6}  {w.title}"
            )
