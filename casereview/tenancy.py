"""The one way views reach LA data: scoped to the signed-in person's organisation.

Every model that holds LA data uses ``TenantQuerySet`` and says how it reaches its
``Organisation`` (``tenant_path``, "organisation" by default, e.g. "workshop__organisation"
for a breakout room). Views never filter by organisation by hand: they call ``for_member``
or ``get_for_member_or_404``, so another LA's object answers 404, exactly like one that
does not exist, and reveals nothing.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.shortcuts import get_object_or_404, render


class TenantQuerySet(models.QuerySet):
    def for_organisation(self, organisation):
        path = getattr(self.model, "tenant_path", "organisation")
        return self.filter(**{path: organisation})


def membership_of(user):
    """The user's membership, or None for anonymous visitors and accounts not in any LA."""
    if not user.is_authenticated:
        return None
    try:
        return user.membership
    except ObjectDoesNotExist:
        return None


def for_member(user, queryset):
    """The part of ``queryset`` (or a model's objects) that belongs to the user's LA."""
    if isinstance(queryset, type) and issubclass(queryset, models.Model):
        queryset = queryset._default_manager.all()
    if not isinstance(queryset, TenantQuerySet):
        raise TypeError(f"{queryset.model.__name__} holds no LA data (its manager is not a TenantQuerySet).")
    membership = membership_of(user)
    if membership is None:
        return queryset.none()
    return queryset.for_organisation(membership.organisation_id)


def get_for_member_or_404(user, queryset, **lookups):
    return get_object_or_404(for_member(user, queryset), **lookups)


def member_required(*roles):
    """Let in signed-in members of an LA (with one of ``roles``, when given).

    Sets ``request.membership``. A signed-in account with no LA sees a page saying so; a member
    whose role does not allow the page gets 403."""

    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(request, *args, **kwargs):
            membership = membership_of(request.user)
            if membership is None:
                return render(request, "casereview/no_membership.html", status=403)
            if roles and membership.role not in roles:
                raise PermissionDenied("Your role does not allow this page.")
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
