"""Reads of the feed: the key a request presents, the scopes and tables it may read."""

from django.http import Http404

from analytics.feed.services import key_hash
from analytics.models import FeedRead, FeedToken
from analytics.scopes import VOCABULARY_SCOPES, Scope, UnknownScope
from analytics.selectors import scope_choices
from casereview.models import VocabularyTerm
from casereview.numbers import object_id
from workshops.models import Workshop


def token_of_key(key: str) -> FeedToken | None:
    """The key's token (revoked or not), or None for a key that was never made."""
    if not key:
        return None
    return FeedToken.objects.select_related("organisation").filter(key_hash=key_hash(key)).first()


def tokens_of(organisation):
    return FeedToken.objects.for_organisation(organisation).select_related("created_by")


def recent_reads(organisation, limit: int = 50):
    return FeedRead.objects.for_organisation(organisation).select_related("token")[:limit]


def scope_of(organisation, key: str) -> Scope:
    """The scope ``key`` names, if every part of it is one of ``organisation``'s; Http404
    otherwise (another LA's workshop answers exactly like one that does not exist, alone or in a
    combination)."""
    try:
        scope = Scope.parse(key)
    except UnknownScope:
        raise Http404("No such scope.") from None
    for kind, value in scope.parts:
        if kind == "workshop":
            # Scope.parse lets any run of digits through; one too long for an id names nothing.
            workshop_pk = object_id(value)
            exists = (
                workshop_pk is not None
                and Workshop.objects.for_organisation(organisation).filter(pk=workshop_pk).exists()
            )
        else:
            exists = (
                VocabularyTerm.objects.for_organisation(organisation)
                .filter(kind=VOCABULARY_SCOPES[kind][0], code=value)
                .exists()
            )
        if not exists:
            raise Http404("No such scope.")
    return scope


def scopes_of(organisation) -> list[dict]:
    """Every scope the dashboards offer, as the feed's index lists them."""
    return [
        {"scope": key, "label": label, "group": group or "All"}
        for group, choices in scope_choices(organisation)
        for key, label in choices
    ]
