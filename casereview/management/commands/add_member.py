from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from casereview import services
from casereview.management.commands._organisation import organisation_by_slug
from casereview.models import Role


class Command(BaseCommand):
    help = "Add a person to a local authority with a role; creates their account if needed."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The organisation's slug (see create_org).")
        parser.add_argument("email")
        # Validated by the service rather than argparse's choices, so the message names the roles
        # the same way everywhere.
        parser.add_argument("--role", required=True, help=f"One of: {', '.join(Role.values)}.")

    def handle(self, *args, slug, email, role, **options):
        organisation = organisation_by_slug(slug)
        try:
            membership, created = services.membership_add(organisation=organisation, email=email, role=role)
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        user = membership.user
        self.stdout.write(
            self.style.SUCCESS(f"{user.email} is now {membership.get_role_display()} at {organisation.name}.")
        )
        if created:
            days = settings.PASSWORD_RESET_TIMEOUT // 86400
            self.stdout.write(
                f"New account. Send them this one-time link to choose a password (valid {days} days):\n"
                f"{services.password_link_for(user)}"
            )
