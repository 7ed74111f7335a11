"""The sign-in page (email first; a password or the LA's provider) and the pages around it."""

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from allauth.mfa.base import views as mfa_views
from allauth.mfa.webauthn import views as webauthn_views
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.shortcuts import redirect, render
from django.urls import reverse

from casereview.forms import SignInForm, add_service_errors
from casereview.identifiers import reject_identifiers
from casereview.models import OrganisationSignIn, Role
from casereview.signin import lockout, services
from casereview.signin.forms import SignInSettingsForm
from casereview.signin.selectors import (
    has_mfa,
    password_refused_for,
    provider_origins,
    second_factors_of,
    sso_domains,
)
from casereview.tenancy import member_required

PASSKEY_NAME_LENGTH = 60


class SignInView(LoginView):
    """Email first, in two steps that work without JavaScript.

    Step 1 posts the email alone: an address of a domain an LA signs in through its own provider
    goes straight there; any other address, whether or not it has an account, gets step 2, the
    password, so the page never says which addresses exist. Step 2 posts the email (kept in a
    hidden field for password managers) with the password, through SignInForm, django-axes and
    allauth's second factor as before. With JavaScript (static/js/signin-email-first.js) the
    password appears on step 1 itself once the address typed is not of such a domain."""

    authentication_form = SignInForm

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        password_step = "password" in request.POST
        if form.is_valid():
            return self.form_valid(form)
        if not password_step and "username" not in form.errors:
            # The email alone, of no LA's provider (SignInForm asks for a password): step 2, fresh.
            return self.render_to_response(
                self.get_context_data(form=self.get_form_class()(request), email=form.cleaned_data["username"].strip())
            )
        if "username" in form.errors or not password_step:
            return self.render_to_response(self.get_context_data(form=form, password_shown=password_step))
        return self.render_to_response(self.get_context_data(form=form, email=form.data.get("username", "").strip()))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        email = context.get("email")
        context["step"] = "password" if email else "email"
        password = form.fields["password"]
        password.help_text = ""
        if email:
            form.fields["username"].widget.attrs.pop("autofocus", None)
            if not form.errors:
                password.widget.attrs["autofocus"] = True
        else:
            form.fields["username"].widget.input_type = "email"
            context["sso_domains"] = sso_domains()
            if not context.get("password_shown"):
                # Not sent with the email (so the server answers with step 2), unless the script
                # shows it for an address of no LA's provider.
                password.widget.attrs["disabled"] = True
        return context

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        # The form may answer with a redirect to an LA's provider: the page's CSP form-action must
        # allow those addresses, or the browser stops the sign-in there.
        origins = provider_origins()
        if origins:
            response._csp_update = {"form-action": origins}
        return response

    def form_valid(self, form):
        if form.sso is not None:
            # Straight to the LA's provider: this POST carried our CSRF token, so nobody else can
            # start a sign-in in this browser.
            provider = get_social_adapter().get_provider(self.request, form.sso.provider_id)
            return provider.redirect(self.request, "login", next_url=self.get_success_url())
        user = form.get_user()
        # allauth's flow: the second factor when the person has one, then signs them in.
        login = Login(user=user, redirect_url=self.get_success_url(), email=user.email)
        return perform_password_login(self.request, {"email": user.email}, login)


class SignInPasswordChangeView(PasswordChangeView):
    """Django's password change, off for members of an LA that signs them in itself."""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and password_refused_for(request.user):
            return render(request, "casereview/signin/no_password.html", status=403)
        return super().dispatch(request, *args, **kwargs)


# allauth (65.22) checks the shape of a passkey's answer only in part: an answer missing a member
# ({"type": "public-key"}) raises KeyError from fido2 rather than a form error, a server error for
# anyone who sends one. Such an answer is refused like a wrong one.
GARBLED = (KeyError, TypeError, ValueError, AttributeError)


def _valid(form) -> bool:
    try:
        return form.is_valid()
    except GARBLED:
        form.add_error("credential", ValidationError("That is not an answer from a passkey.", code="incorrect_code"))
        return False


class _PasskeyFormView:
    """allauth's passkey form views, refusing a garbled answer (above) with the form's own error."""

    def post(self, request, *args, **kwargs):
        form = self.get_form()
        return self.form_valid(form) if _valid(form) else self.form_invalid(form)


class SecondStepView(mfa_views.AuthenticateView):
    """allauth's second step, told which factors the person has (the page asks for those), and
    counting a refused passkey answer as a failed sign-in (casereview.signin.lockout)."""

    def post(self, request, *args, **kwargs):
        return self.form_valid(self.form) if _valid(self.form) else self.form_invalid(self.form)

    def form_invalid(self, form):
        if form is self.webauthn_form:
            lockout.count_a_refused_passkey(self.request, self.stage.login.user, form)
        return super().form_invalid(form)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["second_factors"] = second_factors_of(self.stage.login.user)
        return context


class PasskeyReauthenticateView(_PasskeyFormView, webauthn_views.ReauthenticateWebAuthnView):
    """Confirm it is you with a passkey: a refused answer counts as a failed sign-in, and the page
    says so itself rather than sending a signed-in person to the sign-in page."""

    def form_invalid(self, form):
        lockout.count_a_refused_passkey(self.request, self.request.user, form)
        for message in form.errors.get("credential", []) or ["That passkey did not work. Try again."]:
            messages.error(self.request, message)
        return redirect(self.request.get_full_path())


def _name_guarded(form):
    # The name a person gives a passkey is kept: the identifier guard reads it like any other text.
    name = form.fields["name"]
    name.max_length = PASSKEY_NAME_LENGTH
    name.widget.attrs["maxlength"] = str(PASSKEY_NAME_LENGTH)
    name.validators = [*name.validators, MaxLengthValidator(PASSKEY_NAME_LENGTH), reject_identifiers]
    name.label = "Name of this passkey"
    name.help_text = 'So you can tell your passkeys apart, e.g. "Work laptop" or "Security key".'
    return form


class PasskeyAddView(_PasskeyFormView, webauthn_views.AddWebAuthnView):
    def get_form(self, form_class=None):
        return _name_guarded(super().get_form(form_class))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if "form" in kwargs:
            # allauth's view builds a new form here, which would check the refused answer again.
            context["form"] = kwargs["form"]
        context["first_factor"] = not has_mfa(self.request.user)
        return context


class PasskeyEditView(webauthn_views.EditWebAuthnView):
    def get_form(self, form_class=None):
        return _name_guarded(super().get_form(form_class))


sign_in = SignInView.as_view()
password_change = SignInPasswordChangeView.as_view()
second_step = SecondStepView.as_view()
passkey_add = PasskeyAddView.as_view()
passkey_edit = PasskeyEditView.as_view()
passkey_reauthenticate = PasskeyReauthenticateView.as_view()


@member_required(Role.LEAD)
def sign_in_settings(request):
    """The LA's own provider and second-factor settings, for its programme lead."""
    organisation = request.membership.organisation
    instance = OrganisationSignIn.objects.for_organisation(organisation).first() or OrganisationSignIn(
        organisation=organisation
    )
    was_required = instance.sso_required
    form = SignInSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_in_save(organisation=organisation, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if form.cleaned_data["sso_required"] and not was_required:
                # The service has just ended every password session of the LA, this one too.
                messages.success(
                    request, "Saved. Your staff now sign in through your council's sign-in: sign in again that way."
                )
                return redirect("login")
            messages.success(request, "Saved how your staff sign in.")
            return redirect("sign_in_settings")
    redirect_uri = settings.SITE_URL + reverse("council_callback", kwargs={"provider_id": organisation.slug})
    return render(
        request,
        "casereview/signin/settings.html",
        {"form": form, "redirect_uri": redirect_uri, "has_secret": bool(instance.client_secret_encrypted)},
    )
