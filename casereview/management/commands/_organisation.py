"""What the commands that take ``--org SLUG`` share: finding the organisation, or saying which
slugs exist (and the nearest one) when it is not found."""

from django.core.management.base import CommandError

from casereview.models import Organisation
from casereview.suggestions import did_you_mean


def organisation_by_slug(slug: str) -> Organisation:
    organisation = Organisation.objects.filter(slug=slug.strip()).first()
    if organisation is None:
        slugs = list(Organisation.objects.order_by("slug").values_list("slug", flat=True))
        hint = did_you_mean(slug, slugs) or f" Known: {', '.join(slugs) or 'none yet (create one with create_org)'}."
        raise CommandError(
            f"There is no organisation with the slug {slug!r}.{hint} List them with: manage.py list_orgs"
        )
    return organisation
