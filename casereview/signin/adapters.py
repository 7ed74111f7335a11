"""allauth told casereview's rules: nobody signs up; a person from an LA's provider comes in only
as an existing member of that LA, matched by the provider's stable subject id, or on a first
sign-in by a verified email of one of the LA's domains."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialApp
from django.shortcuts import render

from casereview.models import SignInPreset, User
from casereview.signin.secrets import client_secret_of, decrypt_mfa, encrypt_mfa
from casereview.signin.selectors import configured_sign_ins, domain_of, has_mfa, sign_in_for_provider
from casereview.tenancy import membership_of

PROVIDER = "council"  # casereview/provider.py
FIRST_FACTOR_PAGES = {"mfa_activate_totp", "mfa_add_webauthn"}


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request):
        return False

    def add_message(self, request, level, message_template=None, message_context=None, extra_tags="", message=None):
        # No "Successfully signed in as ..." banner: the page itself shows who is signed in.
        if message_template in ("account/messages/logged_in.txt", "account/messages/logged_out.txt"):
            return
        super().add_message(request, level, message_template, message_context, extra_tags, message)

    def reauthenticate(self, user, password: str) -> bool:
        # allauth would look the address up in its own EmailAddress table, which casereview does
        # not fill: the account's email is the username (and what django-axes counts failures by).
        again = self.authenticate(context.request, username=user.email, password=password)
        return again is not None and again.pk == user.pk

    def is_reauthentication_required(self, *, app: str = "") -> bool:
        # Setting up the first second factor (an authenticator app or a passkey) right after
        # signing in (where the LA requires one) asks for no password again: it only adds a factor.
        # Adding another, turning one off, or making new recovery codes, still does.
        request = context.request
        match = getattr(request, "resolver_match", None)
        if match and match.url_name in FIRST_FACTOR_PAGES and not has_mfa(request.user):
            return False
        return super().is_reauthentication_required(app=app)


class MfaAdapter(DefaultMFAAdapter):
    """TOTP secrets and recovery-code seeds encrypted at rest with a key derived from SECRET_KEY."""

    def encrypt(self, text: str) -> str:
        return encrypt_mfa(text)

    def decrypt(self, encrypted_text: str) -> str:
        return decrypt_mfa(encrypted_text)

    def get_public_key_credential_rp_entity(self) -> dict[str, str]:
        # The passkey is bound to the host the person signs in at (allauth's choice, kept); the
        # name their device shows is the product's, not the host's.
        return {**super().get_public_key_credential_rp_entity(), "name": "casereview"}

    def generate_authenticator_name(self, user, type) -> str:
        if type != Authenticator.Type.WEBAUTHN:
            return super().generate_authenticator_name(user, type)
        count = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        return "Passkey" if count == 0 else f"Passkey {count + 1}"


def _refuse(request, reason: str):
    raise ImmediateHttpResponse(render(request, "casereview/signin/refused.html", {"reason": reason}, status=403))


def _verified_email(sign_in, claims: dict) -> str | None:
    """The email the provider vouches for, if it is of one of the LA's domains.

    Google and conformant providers say so with email_verified. Entra ID does not send that claim;
    there the issuer is the LA's own tenant, which can only hold addresses of domains it has
    verified, so an address of one of the LA's listed domains is taken as verified."""
    email = (claims.get("email") or "").strip().lower()
    if not email or domain_of(email) not in sign_in.domains:
        return None
    verified = claims.get("email_verified")
    if verified is True or str(verified).lower() == "true":
        return email
    if sign_in.preset == SignInPreset.ENTRA and verified is None:
        return email
    return None


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def is_open_for_signup(self, request, sociallogin):
        return False

    def list_apps(self, request, provider=None, client_id=None):
        """Each LA's provider, built from its OrganisationSignIn (never from SocialApp rows, which
        would keep the client secret in clear)."""
        apps = []
        for sign_in in configured_sign_ins():
            if provider not in (None, PROVIDER, sign_in.provider_id):
                continue
            if client_id not in (None, sign_in.client_id):
                continue
            apps.append(
                SocialApp(
                    provider=PROVIDER,
                    provider_id=sign_in.provider_id,
                    name=sign_in.organisation.name,
                    client_id=sign_in.client_id,
                    secret=client_secret_of(sign_in),
                    # Only the ID token's claims are used: signed, and bound to this sign-in by its nonce.
                    settings={"server_url": sign_in.issuer, "issuer": sign_in.issuer, "fetch_userinfo": False},
                )
            )
        return apps

    def pre_social_login(self, request, sociallogin):
        sign_in = sign_in_for_provider(sociallogin.account.provider)
        if sign_in is None:
            _refuse(request, "This council's sign-in is not set up in casereview.")
        organisation = sign_in.organisation
        if sociallogin.is_existing:
            user = sociallogin.user
        else:
            claims = sociallogin.account.extra_data.get("id_token", {})
            email = _verified_email(sign_in, claims)
            user = User.objects.filter(email__iexact=email).first() if email else None
        membership = membership_of(user) if user is not None else None
        if user is None or not user.is_active or membership is None or membership.organisation_id != organisation.pk:
            _refuse(request, f"You are not a member of {organisation.name} in casereview.")
        if not sociallogin.is_existing:
            # Keeps the provider's subject id: from now on the person is found by it, even renamed.
            sociallogin.connect(request, user)
