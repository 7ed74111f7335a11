from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import IntegrityError, transaction

from casereview import services
from casereview.models import Membership, Organisation, Role, User

DEMO_SLUG = "demo"
DEMO_NAME = "Demo Borough Council"
DEMO_PASSWORD = "casereview-demo"
DEMO_USERS = [
    ("lead@demo.test", Role.LEAD, "Priya", "Shah"),
    ("facilitator@demo.test", Role.FACILITATOR, "Tom", "Okafor"),
    ("viewer@demo.test", Role.VIEWER, "Helen", "Marsh"),
]


class Command(BaseCommand):
    help = "Create the demo LA with one user per role and demo data; running it again adds only what is missing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Run even though DEBUG is off (the demo users have a published password).",
        )

    def handle(self, *args, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "The demo users have a published password, so the demo is only loaded when DEBUG is on. "
                "Use --force to load it anyway on a server nobody else can reach."
            )
        with transaction.atomic():
            organisation = self._organisation()
            for email, role, first_name, last_name in DEMO_USERS:
                self._user(organisation, email, role, first_name, last_name)
            # Each app may add its own demo data in a `demo.py` with `load(organisation)`, so this
            # command never has to import the apps that build on the core.
            for app_config in apps.get_app_configs():
                module_name = f"{app_config.name}.demo"
                if app_config.name != "casereview" and find_spec(module_name):
                    self._load(app_config.verbose_name, import_module(module_name), organisation)

        self.stdout.write(
            self.style.SUCCESS(f"Demo ready: {organisation.name} (slug {organisation.slug!r}, for --org in commands).")
        )
        self.stdout.write(f"Sign in at {settings.SITE_URL}/accounts/login/ with password {DEMO_PASSWORD!r} as:")
        for email, role, _, _ in DEMO_USERS:
            self.stdout.write(f"  {email:<24} {Role(role).label}")

    def _load(self, name: str, module, organisation) -> None:
        """One app's demo data. Whatever a person did with the demo, running it again never stops
        the start (bin/run runs it every time): what cannot be re-applied is left as the person
        made it, said in one line, and the rest goes on."""
        try:
            with transaction.atomic():
                skipped = module.load(organisation) or []
        except (ValidationError, IntegrityError) as problem:
            messages = problem.messages if isinstance(problem, ValidationError) else [str(problem)]
            skipped = [f"Left the demo's {name} data as it is: {' '.join(messages)}"]
        for line in skipped:
            self.stdout.write(self.style.WARNING(line))

    def _organisation(self):
        organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
        if organisation is None:
            return services.organisation_create(slug=DEMO_SLUG, name=DEMO_NAME)
        services.vocabulary_seed(organisation)
        return organisation

    def _user(self, organisation, email, role, first_name, last_name):
        user, _ = User.objects.get_or_create(email=email)
        user.first_name, user.last_name, user.is_active = first_name, last_name, True
        user.set_password(DEMO_PASSWORD)
        user.save()
        Membership.objects.update_or_create(user=user, defaults={"organisation": organisation, "role": role})
