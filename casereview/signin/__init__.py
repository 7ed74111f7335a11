"""Signing in: passwords with a second factor, and each LA's own identity provider (issue 35).

django-allauth does the protocol work (the OpenID Connect code flow, TOTP and recovery codes);
this package says who may come in and how: the per-LA provider settings, the rules matching a
provider's person to an existing member, and the policy middleware (MFA set up first; SSO-only
LAs; SSO sessions that end)."""
