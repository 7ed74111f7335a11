"""A real OpenID Connect provider for the tests: oidc-provider-mock (Authlib's authorisation server:
discovery, authorisation code flow, signed ID tokens, JWKS) served on a thread of its own.

Nothing of allauth's client is mocked: casereview fetches the discovery document, sends the
person there, exchanges the code and checks the ID token over HTTP, as against Entra ID.

Two doors of the tests' own: ``set_claims`` changes what the provider says about a person (a
renamed address), and ``tamper`` makes the provider sign ID tokens with a wrong audience, issuer
or nonce, or with a key of its own that it never published, to prove casereview refuses them."""

import json
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field

import flask
import requests
from authlib import jose
from oidc_provider_mock import User
from oidc_provider_mock import app as provider_app
from werkzeug.serving import make_server


@dataclass
class IdentityProvider:
    url: str
    tampering: dict = field(default_factory=dict)

    def set_claims(self, sub: str, **claims):
        requests.post(f"{self.url}/test/claims", json={"sub": sub, **claims}, timeout=5).raise_for_status()

    def tamper(self, **claims):
        """From now on, ID tokens carry these claims (``unpublished_key=True``: signed with a key
        the provider never published)."""
        self.tampering.update(claims)

    def approve(self, authorize_url: str, sub: str) -> str:
        """The person signs in at the provider as ``sub``; returns where the provider sends them back."""
        answer = requests.post(authorize_url, data={"sub": sub}, allow_redirects=False, timeout=5)
        assert answer.status_code == 302, answer.text
        return answer.headers["Location"]


def _build_app(users, tampering):
    app = provider_app(require_nonce=True, user_claims=[User(sub=sub, claims=claims) for sub, claims in users.items()])
    stranger_key = jose.RSAKey.generate_key(is_private=True)

    @app.post("/test/claims")
    def set_claims():
        body = flask.request.get_json()
        sub = body.pop("sub")
        flask.g.oidc_provider_mock_storage.store_user(User(sub=sub, claims=body))
        return {"ok": True}

    @app.after_request
    def tamper(response):
        if flask.request.path != "/oauth2/token" or response.status_code != 200 or not tampering:
            return response
        storage = flask.g.oidc_provider_mock_storage
        body = response.get_json()
        claims = dict(jose.jwt.decode(body["id_token"], storage.jwk))
        changes = {k: v for k, v in tampering.items() if k != "unpublished_key"}
        claims.update(changes)
        key = stranger_key if tampering.get("unpublished_key") else storage.jwk
        header = {"alg": "RS256", "kid": storage.jwk.kid}
        body["id_token"] = jose.jwt.encode(header, claims, key).decode()
        response.set_data(json.dumps(body))
        return response

    return app


@contextmanager
def identity_provider(users: dict[str, dict]):
    """``users``: subject id -> claims (email, email_verified, name...)."""
    tampering: dict = {}
    server = make_server("127.0.0.1", 0, _build_app(users, tampering), threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    try:
        yield IdentityProvider(url=f"http://127.0.0.1:{server.server_port}", tampering=tampering)
    finally:
        server.shutdown()
        thread.join(5)
