"""allauth's pages that casereview uses, and only those: the second factor, its setup and
recovery codes, re-authentication before changing them, and each LA's provider. Not allauth's
sign-up, password reset or email pages: people are invited, and the password pages are Django's
own behind casereview's limits."""

from allauth.account import views as account_views
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
    path("accounts/2fa/", include("allauth.mfa.urls")),
    # The LA's slug names its provider (OrganisationSignIn.provider_id).
    path("accounts/council/<slug:provider_id>/login/", oidc.login, name="council_login"),
    path("accounts/council/<slug:provider_id>/login/callback/", oidc.callback, name="council_callback"),
    path("accounts/council/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("accounts/council/error/", social_views.login_error, name="socialaccount_login_error"),
]
