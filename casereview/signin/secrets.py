"""The LA's client secret at rest: encrypted with a key derived from SECRET_KEY (Fernet: AES with
an HMAC), or not stored at all and read from an environment variable the row names.

Changing SECRET_KEY makes stored secrets unreadable: an operator then enters them again, or keeps
them in the environment (docs/operations.md)."""

import base64
import os

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _fernet(purpose: bytes = b"casereview oidc client secret") -> Fernet:
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(settings.SECRET_KEY.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def encrypt(secret: str) -> str:
    return _fernet().encrypt(secret.encode()).decode()


# The TOTP secrets and recovery-code seeds allauth keeps (its own default keeps them in clear).
TOTP_PURPOSE = b"casereview totp secret"


def encrypt_mfa(text: str) -> str:
    return _fernet(TOTP_PURPOSE).encrypt(text.encode()).decode()


def decrypt_mfa(text: str) -> str:
    return _fernet(TOTP_PURPOSE).decrypt(text.encode()).decode()


def client_secret_of(sign_in) -> str:
    """The clear client secret of an OrganisationSignIn, from the environment first."""
    if sign_in.client_secret_env:
        value = os.environ.get(sign_in.client_secret_env)
        if not value:
            raise ImproperlyConfigured(f"The environment variable {sign_in.client_secret_env} is not set.")
        return value
    if not sign_in.client_secret_encrypted:
        return ""
    try:
        return _fernet().decrypt(sign_in.client_secret_encrypted.encode()).decode()
    except InvalidToken:
        raise ImproperlyConfigured(
            f"The client secret of {sign_in.organisation} cannot be read: SECRET_KEY changed since it was saved."
        ) from None
