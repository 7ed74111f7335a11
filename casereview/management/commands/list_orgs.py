from django.core.management.base import BaseCommand
from django.db.models import Count

from casereview.models import Organisation


class Command(BaseCommand):
    help = "List the organisations (LAs) of this installation with their slugs, for --org in other commands."

    def handle(self, *args, **options):
        organisations = list(Organisation.objects.order_by("slug").annotate(people=Count("memberships")))
        if not organisations:
            self.stdout.write('No organisations yet. Create one with: manage.py create_org SLUG --name "Full name"')
            return
        width = max(len("slug"), *(len(o.slug) for o in organisations))
        self.stdout.write(f"{'slug':<{width}}  {'people':>6}  name")
        for organisation in organisations:
            self.stdout.write(f"{organisation.slug:<{width}}  {organisation.people:>6}  {organisation.name}")
        self.stdout.write(f"\nA LA's workshops: manage.py list_workshops --org {organisations[0].slug}")
