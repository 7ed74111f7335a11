"""One lockout for every way of proving who you are.

django-axes counts failed sign-ins per email and client address (settings.AXES_*). Its own sign-in
form posts "username"; allauth's re-authentication passes "email"; a wrong second-factor code is
reported here as a failed sign-in of that person, so five wrong codes lock the password step too;
so is a passkey answer that does not prove the person (count_a_refused_passkey, called by the
passkey pages in casereview/signin/views.py). allauth meanwhile refuses more codes and passkey
answers itself (ACCOUNT_RATE_LIMITS["login_failed"])."""

from allauth.mfa.signals import authentication_failed
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver


def axes_username(request, credentials):
    credentials = credentials or {}
    value = credentials.get("username") or credentials.get("email")
    if value is None and request is not None:
        value = request.POST.get("username") or request.POST.get("email")
    return (value or "").strip().lower() or None


@receiver(authentication_failed)
def count_a_wrong_code_as_a_failed_sign_in(sender, request, user, **kwargs):
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)


def count_a_refused_passkey(request, user, form) -> None:
    """A passkey answer that did not prove the person (another key, another challenge, a forged or
    garbled answer) counts like a wrong code: allauth has already counted it against its own limit,
    and django-axes counts it here. An answer refused only because that limit is reached is not
    counted again, as allauth does for codes."""
    codes = {error.code for errors in form.errors.as_data().values() for error in errors}
    if "too_many_login_attempts" in codes:
        return
    user_login_failed.send(sender=__name__, credentials={"username": user.email}, request=request)
