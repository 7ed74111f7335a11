"""What a signed-in session must satisfy, decided once at sign-in and kept in the session, so
that a page view costs no extra query:

- a password session of someone who must use a second factor and has none (an authenticator app
  or a passkey) goes to set one up before anything else;
- a session begun at an LA's provider ends SSO_SESSION_HOURS after that sign-in, however busy (a
  leaver disabled at the provider cannot begin another).

Password sessions of an LA that turns on "SSO required" are ended by the service that turns it on
(casereview.signin.services.sign_in_save)."""

import time

from allauth.account.internal.flows.login import get_authentication_records
from allauth.mfa.signals import authenticator_removed
from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from casereview.signin.selectors import has_mfa, mfa_required

SESSION_KEY = "casereview_sign_in"
# Pages a person who must first set up a second factor may still open.
BEFORE_MFA = {
    "mfa_activate_totp",
    # A passkey instead of the app (casereview.signin.selectors.SECOND_FACTORS).
    "mfa_add_webauthn",
    "mfa_list_webauthn",
    "mfa_index",
    "mfa_view_recovery_codes",
    "mfa_generate_recovery_codes",
    "mfa_download_recovery_codes",
    "mfa_reauthenticate",
    "account_reauthenticate",
    "logout",
    "account_logout",
    "health",
    "alive",
    "metrics",
}


def _verdict(request, user) -> dict:
    sso = [r for r in get_authentication_records(request, user) if r.get("method") == "socialaccount"]
    method = "sso" if sso else "password"
    return {
        "method": method,
        "at": min((r["at"] for r in sso), default=time.time()),
        "needs_mfa_setup": method == "password" and mfa_required(user) and not has_mfa(user),
    }


@receiver(user_logged_in)
def decide_at_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = _verdict(request, user)


@receiver(authenticator_removed)
def decide_again(sender, request, user, **kwargs):
    # Turning the app off (allauth sends this once the change is committed) may make it due again.
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = _verdict(request, user)


class SignInPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # No session cookie, nobody signed in: never load a session just for this (an attendee's
        # phone has none, and its answers must not vary by cookie).
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        verdict = request.session.get(SESSION_KEY)
        if verdict is None:  # a session begun before this release: decided once, now
            verdict = request.session[SESSION_KEY] = _verdict(request, user)
        if verdict["method"] == "sso" and time.time() - verdict["at"] > settings.SSO_SESSION_HOURS * 3600:
            logout(request)
            return redirect(reverse("login"))
        name = request.resolver_match.url_name if request.resolver_match else None
        if verdict["needs_mfa_setup"] and name not in BEFORE_MFA and has_mfa(user):
            # Set up since (a query only for people who still owed one).
            verdict = request.session[SESSION_KEY] = {**verdict, "needs_mfa_setup": False}
        if verdict["needs_mfa_setup"] and name not in BEFORE_MFA:
            return redirect(reverse("mfa_activate_totp") + "?" + urlencode({"next": request.get_full_path()}))
        return None
