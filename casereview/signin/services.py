"""Writes about signing in: an LA's provider settings, and ending sessions they no longer allow."""

import re

from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from casereview.models import Membership, Organisation, OrganisationSignIn, SignInPreset
from casereview.signin.policy import SESSION_KEY
from casereview.signin.secrets import encrypt

# The issuers of the named presets; the LA's tenant id goes into Entra's.
PRESET_ISSUERS = {
    SignInPreset.ENTRA: "https://login.microsoftonline.com/{tenant}/v2.0",
    SignInPreset.GOOGLE: "https://accounts.google.com",
}
DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")
ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{0,99}$")


def _clean_domains(text: str) -> str:
    domains = [d.strip().lower() for d in text.split(",") if d.strip()]
    bad = [d for d in domains if not DOMAIN.match(d)]
    if bad:
        raise ValidationError({"allowed_domains": f"Not a domain name: {', '.join(bad)}."})
    return ",".join(dict.fromkeys(domains))


@transaction.atomic
def sign_in_save(
    *,
    organisation: Organisation,
    preset: str,
    issuer: str,
    client_id: str,
    client_secret: str = "",
    client_secret_env: str = "",
    allowed_domains: str,
    sso_required: bool,
    mfa_required_for: str,
) -> OrganisationSignIn:
    """Save the LA's sign-in settings. An empty ``client_secret`` keeps the one stored.

    Turning "SSO required" on ends every password session of the LA's members at once."""
    sign_in, _ = OrganisationSignIn.objects.select_for_update().get_or_create(organisation=organisation)
    domains = _clean_domains(allowed_domains)
    if client_secret_env and not ENV_NAME.match(client_secret_env):
        raise ValidationError(
            {"client_secret_env": "Use capital letters, digits and underscores, e.g. NORTHSHIRE_OIDC_SECRET."}
        )
    others = OrganisationSignIn.objects.exclude(organisation=organisation).exclude(allowed_domains="")
    for other in others.select_related("organisation"):
        taken = set(other.domains) & set(domains.split(",") if domains else [])
        if taken:
            raise ValidationError({"allowed_domains": f"{', '.join(sorted(taken))} already belongs to another LA."})
    configured = bool(issuer and client_id)
    if sso_required and not (configured and domains):
        raise ValidationError({"sso_required": "Set up the provider and your email domains before requiring it."})
    was_required = sign_in.sso_required
    sign_in.preset = preset
    sign_in.issuer = issuer.strip().rstrip("/")
    sign_in.client_id = client_id.strip()
    if client_secret:
        sign_in.client_secret_encrypted = encrypt(client_secret)
    sign_in.client_secret_env = client_secret_env.strip()
    sign_in.allowed_domains = domains
    sign_in.sso_required = sso_required
    sign_in.mfa_required_for = mfa_required_for
    sign_in.full_clean()
    sign_in.save()
    if sso_required and not was_required:
        password_sessions_end(organisation)
    return sign_in


def password_sessions_end(organisation: Organisation) -> int:
    """End every unexpired session of the LA's members that did not begin at its provider."""
    members = {str(pk) for pk in Membership.objects.filter(organisation=organisation).values_list("user_id", flat=True)}
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        data = session.get_decoded()
        if data.get("_auth_user_id") in members and (data.get(SESSION_KEY) or {}).get("method") != "sso":
            session.delete()
            ended += 1
    return ended
