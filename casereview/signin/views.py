"""The sign-in page (email first; a password or the LA's provider) and the pages around it."""

from allauth.account.internal.flows.login import perform_password_login
from allauth.account.models import Login
from allauth.socialaccount.adapter import get_adapter as get_social_adapter
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import LoginView, PasswordChangeView
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse

from casereview.forms import SignInForm, add_service_errors
from casereview.models import OrganisationSignIn, Role
from casereview.signin import services
from casereview.signin.forms import SignInSettingsForm
from casereview.signin.selectors import password_refused_for, provider_origins
from casereview.tenancy import member_required


class SignInView(LoginView):
    authentication_form = SignInForm

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


sign_in = SignInView.as_view()
password_change = SignInPasswordChangeView.as_view()


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
