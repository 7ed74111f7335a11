"""Reads about signing in: which LA's provider an email belongs to, and what a person must use."""

from urllib.parse import urlsplit

from allauth.mfa.models import Authenticator
from django.conf import settings

from casereview.models import MfaRequiredFor, OrganisationSignIn, Role
from casereview.tenancy import membership_of


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def sign_in_for_email(email: str) -> OrganisationSignIn | None:
    """The LA whose single sign-on covers this email's domain (None: sign in with a password)."""
    domain = domain_of(email)
    if not domain:
        return None
    for sign_in in OrganisationSignIn.objects.select_related("organisation").exclude(issuer="").exclude(client_id=""):
        if domain in sign_in.domains:
            return sign_in
    return None


def sign_in_of_user(user) -> OrganisationSignIn | None:
    membership = membership_of(user)
    if membership is None:
        return None
    return OrganisationSignIn.objects.filter(organisation_id=membership.organisation_id).first()


def sign_in_for_provider(provider_id: str) -> OrganisationSignIn | None:
    return (
        OrganisationSignIn.objects.select_related("organisation")
        .filter(organisation__slug=provider_id)
        .exclude(issuer="")
        .exclude(client_id="")
        .first()
    )


def configured_sign_ins():
    return OrganisationSignIn.objects.select_related("organisation").exclude(issuer="").exclude(client_id="")


def provider_origins() -> list[str]:
    """Where the sign-in page may send people: each configured provider's address (scheme, host
    and port of its issuer, where Entra ID's and Google's sign-in pages are)."""
    origins = set()
    for issuer in configured_sign_ins().values_list("issuer", flat=True):
        parts = urlsplit(issuer)
        origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def password_refused_for(user) -> bool:
    """True when the person's LA lets its members in only through its provider."""
    sign_in = sign_in_of_user(user)
    return bool(sign_in and sign_in.sso_required and sign_in.sso_configured)


def mfa_required(user) -> bool:
    """Whether a password sign-in of this person must carry a second factor."""
    if user.is_superuser:
        return True
    membership = membership_of(user)
    if membership is None:
        return False
    sign_in = OrganisationSignIn.objects.filter(organisation_id=membership.organisation_id).first()
    required_for = sign_in.mfa_required_for if sign_in else settings.MFA_REQUIRED_FOR_DEFAULT
    if required_for == MfaRequiredFor.EVERYONE:
        return True
    return required_for == MfaRequiredFor.LEADS and membership.role == Role.LEAD


# What satisfies "must use a second factor": an authenticator app or a passkey. Recovery codes
# alone do not (they only stand in for one of these).
SECOND_FACTORS = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)


def has_mfa(user) -> bool:
    return Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).exists()


def second_factors_of(user) -> set[str]:
    """Which kinds of second factor the person has (totp, webauthn), for the pages that ask for one."""
    return set(Authenticator.objects.filter(user=user, type__in=SECOND_FACTORS).values_list("type", flat=True))


def sso_domains() -> list[str]:
    """Every email domain an LA signs in through its own provider. Not a secret: typing an address of
    one on the sign-in page sends the browser to that provider, whose address the page's CSP names."""
    return sorted({domain for sign_in in configured_sign_ins() for domain in sign_in.domains})
