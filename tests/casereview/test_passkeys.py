"""Passkeys (WebAuthn) as the second step after a password (issue 35), with real public-key
signatures checked by allauth's fido2 server: a software authenticator below makes the key pair,
signs the server's challenges and answers as a browser would (origin http://localhost, where the
server's relying-party id is "localhost"). Nothing of allauth or fido2 is mocked."""

import hashlib
import json
import os

import pytest
from allauth.mfa.models import Authenticator
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse
from fido2.cose import ES256
from fido2.utils import websafe_decode, websafe_encode
from fido2.webauthn import AttestationObject, AttestedCredentialData, AuthenticatorData, CollectedClientData

from casereview.models import MfaRequiredFor, OrganisationSignIn

PASSWORD = "a-long-enough-password-1"
HOST = "localhost"
ORIGIN = f"http://{HOST}"
UPN = "H801200001001"


class SoftPasskey:
    """A passkey on a device: one P-256 key pair for one site, its signature counter, and the
    answers a browser sends for it (JSON, as allauth's page posts them)."""

    def __init__(self, rp_id=HOST, origin=ORIGIN):
        self.rp_id, self.origin = rp_id, origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.user_handle = None
        self.counter = 0

    def _client_data(self, kind, challenge):
        return CollectedClientData.create(type=kind, challenge=websafe_decode(challenge), origin=self.origin)

    def _rp_id_hash(self):
        return hashlib.sha256(self.rp_id.encode()).digest()

    def register(self, creation_options) -> str:
        options = creation_options["publicKey"]
        self.user_handle = options["user"]["id"]
        client_data = self._client_data("webauthn.create", options["challenge"])
        credential = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV | AuthenticatorData.FLAG.AT
        auth_data = AuthenticatorData.create(self._rp_id_hash(), flags, self.counter, credential)
        attestation = AttestationObject.create("none", auth_data, {})
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(bytes(client_data)),
                    "attestationObject": websafe_encode(bytes(attestation)),
                },
                "clientExtensionResults": {"credProps": {"rk": False}},
            }
        )

    def sign(self, request_options) -> str:
        options = request_options["publicKey"]
        client_data = self._client_data("webauthn.get", options["challenge"])
        self.counter += 1
        flags = AuthenticatorData.FLAG.UP | AuthenticatorData.FLAG.UV
        auth_data = AuthenticatorData.create(self._rp_id_hash(), flags, self.counter)
        signature = self.key.sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return json.dumps(
            {
                "id": websafe_encode(self.credential_id),
                "rawId": websafe_encode(self.credential_id),
                "type": "public-key",
                "response": {
                    "clientDataJSON": websafe_encode(bytes(client_data)),
                    "authenticatorData": websafe_encode(bytes(auth_data)),
                    "signature": websafe_encode(signature),
                    "userHandle": self.user_handle,
                },
                "clientExtensionResults": {},
            }
        )


def _browser():
    return Client(HTTP_HOST=HOST)


def _with_password(user):
    user.set_password(PASSWORD)
    user.save()
    return user


def _password_step(client, user):
    return client.post(reverse("login"), {"username": user.email, "password": PASSWORD})


def _add_passkey(client, passkey, name=""):
    page = client.get(reverse("mfa_add_webauthn"))
    assert page.status_code == 200, page
    answer = passkey.register(page.context["js_data"]["creation_options"])
    return client.post(reverse("mfa_add_webauthn"), {"name": name, "credential": answer})


def _second_step_with(client, passkey):
    page = client.get(reverse("mfa_authenticate"))
    assert page.status_code == 200
    return client.post(
        reverse("mfa_authenticate"), {"credential": passkey.sign(page.context["js_data"]["request_options"])}
    )


@pytest.fixture
def lead_with_passkey(lead):
    """A lead whose LA requires a second step, who chose a passkey when first asked for one."""
    OrganisationSignIn.objects.create(organisation=lead.membership.organisation, mfa_required_for=MfaRequiredFor.LEADS)
    _with_password(lead)
    client = _browser()
    _password_step(client, lead)
    passkey = SoftPasskey()
    response = _add_passkey(client, passkey, name="Work laptop")
    assert response.status_code == 302 and response.url == reverse("mfa_view_recovery_codes")
    client.post(reverse("logout"))
    return lead, passkey


def test_a_lead_who_must_use_a_second_step_may_choose_a_passkey_and_then_every_page_opens(lead):
    OrganisationSignIn.objects.create(organisation=lead.membership.organisation, mfa_required_for=MfaRequiredFor.LEADS)
    client = _browser()
    _password_step(client, _with_password(lead))
    page = client.get(reverse("workshop_list"))
    assert page.status_code == 302 and page.url.startswith(reverse("mfa_activate_totp"))
    assert reverse("mfa_add_webauthn") in client.get(page.url).content.decode()  # the passkey is offered
    # Adding the first passkey asks for no password again (as the first app does)...
    response = _add_passkey(client, SoftPasskey(), name="Work laptop")
    assert response.status_code == 302 and response.url == reverse("mfa_view_recovery_codes")
    # ...and it counts as the second step the LA requires.
    assert client.get(reverse("workshop_list")).status_code == 200
    stored = Authenticator.objects.get(user=lead, type=Authenticator.Type.WEBAUTHN)
    assert stored.wrap().name == "Work laptop"
    assert Authenticator.objects.filter(user=lead, type=Authenticator.Type.RECOVERY_CODES).exists()


def test_after_the_password_the_passkey_signs_in_and_the_password_alone_does_not(lead_with_passkey):
    lead, passkey = lead_with_passkey
    client = _browser()
    response = _password_step(client, lead)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    page = client.get(reverse("mfa_authenticate")).content.decode()
    assert "Use your passkey" in page and "Or type a recovery code" in page
    response = _second_step_with(client, passkey)
    assert response.status_code == 302 and response.url == reverse("home")
    assert client.session["_auth_user_id"] == str(lead.pk)
    assert client.get(reverse("workshop_list")).status_code == 200


def test_a_passkey_of_another_device_or_another_site_is_refused(lead_with_passkey):
    lead, passkey = lead_with_passkey
    impostors = {
        "another device's key, same credential id": SoftPasskey(),
        "the right key, answering another site": SoftPasskey(rp_id="evil.example", origin="https://evil.example"),
    }
    impostors["another device's key, same credential id"].credential_id = passkey.credential_id
    impostors["the right key, answering another site"].key = passkey.key
    impostors["the right key, answering another site"].credential_id = passkey.credential_id
    for impostor in impostors.values():
        impostor.user_handle = passkey.user_handle
        client = _browser()
        _password_step(client, lead)
        response = _second_step_with(client, impostor)
        assert response.status_code == 200 and "That passkey did not work" in response.content.decode()
        assert "_auth_user_id" not in client.session


def test_five_refused_passkeys_stop_the_second_step_and_lock_the_password_step(lead_with_passkey):
    lead, passkey = lead_with_passkey
    impostor = SoftPasskey()
    impostor.credential_id, impostor.user_handle = passkey.credential_id, passkey.user_handle
    client = _browser()
    _password_step(client, lead)
    for _ in range(5):
        _second_step_with(client, impostor)
    # allauth's own limit: even the right passkey is refused now.
    response = _second_step_with(client, passkey)
    assert "_auth_user_id" not in client.session
    assert "Too many" in response.content.decode()
    # django-axes counted every refused passkey as a failed sign-in: the password is refused too.
    client.post(reverse("logout"))
    response = _password_step(client, lead)
    assert response.status_code == 429 and "_auth_user_id" not in client.session


def test_an_answer_that_is_not_a_passkey_at_all_counts_too(lead_with_passkey):
    lead, passkey = lead_with_passkey
    client = _browser()
    _password_step(client, lead)
    statuses = [
        client.post(reverse("mfa_authenticate"), {"credential": garbage}).status_code
        for garbage in ("{}", '{"id": "x", "response": {}}', "not json", "[]", '{"type": "public-key"}')
    ]
    # Each refused with the page again (never a server error), the fifth with django-axes' lockout.
    assert statuses == [200, 200, 200, 200, 429] and "_auth_user_id" not in client.session
    client.post(reverse("logout"))
    assert _password_step(client, lead).status_code == 429


def test_a_passkey_name_holding_an_identifier_is_refused_when_added_or_renamed(lead):
    client = _browser()
    client.force_login(_with_password(lead))
    response = _add_passkey(client, SoftPasskey(), name=f"Laptop {UPN}")
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not Authenticator.objects.filter(user=lead, type=Authenticator.Type.WEBAUTHN).exists()
    assert _add_passkey(client, SoftPasskey(), name="Laptop").status_code == 302
    stored = Authenticator.objects.get(user=lead, type=Authenticator.Type.WEBAUTHN)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})  # renaming asks for it
    rename = reverse("mfa_edit_webauthn", kwargs={"pk": stored.pk})
    response = client.post(rename, {"name": f"Key of {UPN}"})
    assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert client.post(rename, {"name": "Work laptop"}).status_code == 302
    stored.refresh_from_db()
    assert stored.wrap().name == "Work laptop" and UPN not in json.dumps(stored.data)


def test_a_garbled_answer_on_adding_a_passkey_is_refused_not_a_server_error(lead):
    client = _browser()
    client.force_login(lead)
    client.get(reverse("mfa_add_webauthn"))
    for garbage in ('{"type": "public-key"}', '{"id": "x", "response": {}}', "[]"):
        response = client.post(reverse("mfa_add_webauthn"), {"name": "Laptop", "credential": garbage})
        assert response.status_code == 200 and "There is a problem" in response.content.decode()
    assert not Authenticator.objects.filter(user=lead).exists()


def test_nobody_else_renames_or_removes_a_person_s_passkey(lead_with_passkey, outsider, facilitator):
    lead, _ = lead_with_passkey
    stored = Authenticator.objects.get(user=lead, type=Authenticator.Type.WEBAUTHN)
    for person in (outsider, facilitator):
        other = _browser()
        other.force_login(_with_password(person))
        # Confirm it is them first (the pages ask), so the answer below is about the passkey itself.
        other.post(reverse("account_reauthenticate"), {"password": PASSWORD})
        for name in ("mfa_edit_webauthn", "mfa_remove_webauthn"):
            url = reverse(name, kwargs={"pk": stored.pk})
            assert other.get(url).status_code == 404
            assert other.post(url, {"name": "Mine now"}).status_code == 404
    stored.refresh_from_db()
    assert stored.wrap().name == "Work laptop"


def test_confirming_it_is_you_with_a_passkey_and_a_refused_one_counts(lead_with_passkey):
    lead, passkey = lead_with_passkey
    client = _browser()
    _password_step(client, lead)
    _second_step_with(client, passkey)
    stored = Authenticator.objects.get(user=lead, type=Authenticator.Type.WEBAUTHN)
    remove = reverse("mfa_remove_webauthn", kwargs={"pk": stored.pk})
    reauthenticate = reverse("mfa_reauthenticate_webauthn")
    # Long after signing in: changing how you sign in asks to confirm it is you.
    session = client.session
    session["account_authentication_methods"] = [
        {**record, "at": record["at"] - 3600} for record in session["account_authentication_methods"]
    ]
    session.save()
    assert client.get(remove).status_code == 302
    impostor = SoftPasskey()
    impostor.credential_id, impostor.user_handle = passkey.credential_id, passkey.user_handle
    page = client.get(reauthenticate)
    assert page.status_code == 200 and "Use your password" in page.content.decode()
    response = client.post(reauthenticate, {"credential": impostor.sign(page.context["js_data"]["request_options"])})
    assert response.status_code == 302 and response.url == reauthenticate
    assert client.get(remove).status_code == 302  # still not confirmed
    page = client.get(reauthenticate)
    client.post(reauthenticate, {"credential": passkey.sign(page.context["js_data"]["request_options"])})
    assert client.get(remove).status_code == 200
    assert client.post(remove).status_code == 302
    assert not Authenticator.objects.filter(user=lead, type=Authenticator.Type.WEBAUTHN).exists()
    # The refused passkey counted: four more failures and the password step is locked.
    signed_out = _browser()
    for _ in range(4):
        signed_out.post(reverse("login"), {"username": lead.email, "password": "wrong"})
    assert _password_step(signed_out, lead).status_code == 429
