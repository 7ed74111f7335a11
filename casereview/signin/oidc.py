"""allauth's OpenID Connect provider, made strict: a nonce in every request, checked in the ID
token; the ID token's signature always checked against the provider's JWKS (allauth skips it when
the token came straight from the token endpoint, as the specification allows), its issuer against
the LA's configured issuer (not the discovery document's), and its audience against the client id.
PKCE (S256) is on in settings.SOCIALACCOUNT_PROVIDERS; state is allauth's own."""

import jwt
from allauth.account.internal.decorators import login_not_required
from allauth.socialaccount.adapter import get_adapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.client import OAuth2Error
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.provider import OpenIDConnectProvider
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from allauth.utils import build_absolute_uri
from django.http import Http404
from django.urls import reverse
from django.utils.crypto import get_random_string

# Asymmetric signatures only: never "none", never an HMAC keyed with the (shared) client secret.
SIGNING_ALGORITHMS = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"}


class CouncilOAuth2Adapter(OpenIDConnectOAuth2Adapter):
    expected_nonce = None  # set by the callback view from the stashed state

    def get_callback_url(self, request, app):
        path = reverse("council_callback", kwargs={"provider_id": self.provider_id})
        return build_absolute_uri(request, path, self.redirect_uri_protocol)

    def complete_login(self, request, app, token, **kwargs):
        if not kwargs["response"].get("id_token"):
            raise OAuth2Error("The provider sent no ID token.")
        return super().complete_login(request, app, token, **kwargs)

    def _decode_id_token(self, app, id_token):
        try:
            key, algorithm = self._signing_key(id_token)
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=[algorithm],
                issuer=app.settings["issuer"].rstrip("/"),
                audience=app.client_id,
                options={"require": ["iss", "aud", "exp", "iat", "sub"]},
                leeway=30,
            )
        except jwt.PyJWTError as error:
            raise OAuth2Error(f"Invalid ID token: {error}") from error
        if not self.expected_nonce or claims.get("nonce") != self.expected_nonce:
            raise OAuth2Error("The ID token's nonce is not the one this sign-in sent.")
        jwtkit.verify_jti(claims)  # a token seen before is not taken again
        return claims

    def _signing_key(self, id_token):
        """The provider's published key that signed the token: by its key id (Entra ID and Google
        always send one), or the only signing key when the provider publishes one without an id."""
        header = jwt.get_unverified_header(id_token)
        algorithm = header.get("alg")
        if algorithm not in SIGNING_ALGORITHMS:
            raise OAuth2Error(f"ID token signed with {algorithm!r}, which casereview does not accept.")
        with get_adapter().get_requests_session() as session:
            response = session.get(self.openid_config["jwks_uri"])
            response.raise_for_status()
            keys = [k for k in response.json().get("keys", []) if k.get("use", "sig") == "sig"]
        if header.get("kid"):
            keys = [k for k in keys if k.get("kid") == header["kid"]]
        if len(keys) != 1:
            raise OAuth2Error("No single published key matches the ID token.")
        return jwt.PyJWK(keys[0], algorithm).key, algorithm


class CouncilProvider(OpenIDConnectProvider):
    id = "council"
    name = "Your council's sign-in"
    oauth2_adapter_class = CouncilOAuth2Adapter

    def redirect(self, request, process, next_url=None, data=None, **kwargs):
        nonce = get_random_string(32)
        auth_params = kwargs.pop("auth_params", None) or self.get_auth_params()
        auth_params = {**auth_params, "nonce": nonce}
        return super().redirect(request, process, next_url, data, auth_params=auth_params, nonce=nonce, **kwargs)


class CouncilCallbackView(OAuth2CallbackView):
    def _get_state(self, request, provider):
        state, response = super()._get_state(request, provider)
        self.adapter.expected_nonce = (state or {}).get("nonce")
        return state, response


@login_not_required
def login(request, provider_id):
    try:
        return OAuth2LoginView.adapter_view(CouncilOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None


@login_not_required
def callback(request, provider_id):
    try:
        return CouncilCallbackView.adapter_view(CouncilOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist:
        raise Http404 from None
