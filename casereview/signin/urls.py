"""allauth's pages that casereview uses, and only those: the second factor (an authenticator app
or a passkey), its setup and recovery codes, re-authentication before changing them, and each
LA's provider. Not allauth's sign-up, password reset or email pages: people are invited, and the
password pages are Django's own behind casereview's limits."""

from allauth.account import views as account_views
from allauth.mfa.webauthn import views as webauthn_views
from allauth.socialaccount import views as social_views
from django.urls import include, path

from casereview.signin import oidc, views

urlpatterns = [
    path("accounts/login/", views.sign_in, name="login"),
    # The same page under allauth's name, for allauth's own redirects.
    path("accounts/login/", views.sign_in, name="account_login"),
    path("settings/sign-in/", views.sign_in_settings, name="sign_in_settings"),
    path("accounts/password_change/", views.password_change, name="password_change"),
    path("accounts/reauthenticate/", account_views.reauthenticate, name="account_reauthenticate"),
    # allauth's second-factor pages. The second step and the passkey pages go through casereview's
    # own views: the second step knows which factors the person has, and a refused passkey counts
    # towards the lockout (there and when confirming it is you); a passkey's name goes through the
    # identifier guard. The passkey pages are listed here flat rather than through allauth's
    # webauthn URL conf, whose key id sits on an inner include. No passwordless sign-in or sign-up
    # by passkey (settings.MFA_PASSKEY_LOGIN_ENABLED).
    path("accounts/2fa/authenticate/", views.second_step, name="mfa_authenticate"),
    path("accounts/2fa/", include("allauth.mfa.base.urls")),
    path("accounts/2fa/totp/", include("allauth.mfa.totp.urls")),
    path("accounts/2fa/recovery-codes/", include("allauth.mfa.recovery_codes.urls")),
    path("accounts/2fa/webauthn/", webauthn_views.list_webauthn, name="mfa_list_webauthn"),
    path("accounts/2fa/webauthn/add/", views.passkey_add, name="mfa_add_webauthn"),
    path("accounts/2fa/webauthn/reauthenticate/", views.passkey_reauthenticate, name="mfa_reauthenticate_webauthn"),
    path("accounts/2fa/webauthn/keys/<int:pk>/edit/", views.passkey_edit, name="mfa_edit_webauthn"),
    path("accounts/2fa/webauthn/keys/<int:pk>/remove/", webauthn_views.remove_webauthn, name="mfa_remove_webauthn"),
    # The LA's slug names its provider (OrganisationSignIn.provider_id).
    path("accounts/council/<slug:provider_id>/login/", oidc.login, name="council_login"),
    path("accounts/council/<slug:provider_id>/login/callback/", oidc.callback, name="council_callback"),
    path("accounts/council/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("accounts/council/error/", social_views.login_error, name="socialaccount_login_error"),
]
