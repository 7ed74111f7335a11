from django import forms
from django.conf import settings

from casereview.models import OrganisationSignIn


class SignInSettingsForm(forms.ModelForm):
    """The LA's provider and second-factor settings. The secret is write-only: never shown again."""

    client_secret = forms.CharField(
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False),
        help_text="Leave empty to keep the one saved. Kept encrypted; never shown again.",
    )

    class Meta:
        model = OrganisationSignIn
        fields = [
            "preset",
            "issuer",
            "client_id",
            "client_secret",
            "client_secret_env",
            "allowed_domains",
            "sso_required",
            "mfa_required_for",
        ]
        labels = {
            "preset": "Identity provider",
            "issuer": "Issuer URL",
            "client_id": "Client ID (application ID)",
            "client_secret_env": "Or: environment variable holding the client secret",
            "allowed_domains": "Staff email domains",
            "sso_required": "Staff must sign in through the council's provider",
            "mfa_required_for": "Who must use an authenticator app (password sign-in)",
        }
        help_texts = {"mfa_required_for": "An authenticator app or a passkey. The superuser always must."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None:
            # An LA that has not chosen yet follows MFA_REQUIRED_FOR_DEFAULT: show that, not the
            # column's default, so the page says the rule that applies now.
            self.initial["mfa_required_for"] = settings.MFA_REQUIRED_FOR_DEFAULT
