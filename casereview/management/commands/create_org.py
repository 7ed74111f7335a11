from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casereview import services


class Command(BaseCommand):
    help = "Create a local authority (organisation) with the default SEND vocabularies."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="Short name used in commands, e.g. 'northshire'.")
        parser.add_argument("--name", required=True, help="Full name, e.g. 'Northshire County Council'.")

    def handle(self, *args, slug, name, **options):
        try:
            organisation = services.organisation_create(slug=slug, name=name)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(self.style.SUCCESS(f"Created {organisation.name} ({organisation.slug})."))
        self.stdout.write(f"Add people with: python manage.py add_member {organisation.slug} EMAIL --role lead")
