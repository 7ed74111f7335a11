from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from casereview.identifiers import reject_identifiers
from casereview.models import VocabularyTerm


class VocabularyTermForm(forms.ModelForm):
    """Rename or reorder a term. Its code never changes, so imports and history keep working."""

    class Meta:
        model = VocabularyTerm
        fields = ["label", "position"]
        help_texts = {"position": "Lists are shown in this order, lowest first."}

    def clean_label(self):
        label = self.cleaned_data["label"].strip()
        same_label = VocabularyTerm.objects.filter(
            organisation=self.instance.organisation, kind=self.instance.kind, label__iexact=label
        ).exclude(pk=self.instance.pk)
        if same_label.exists():
            raise ValidationError("There is already an entry with this name in this list.")
        return label


class VocabularyTermAddForm(forms.Form):
    # A model field's validators do not travel with formfield(): the guard is named again here.
    label = VocabularyTerm._meta.get_field("label").formfield(validators=[reject_identifiers])


class SignInForm(AuthenticationForm):
    """Django's sign-in with one plain message for a wrong email or password, and messages that say what to do."""

    error_messages = {
        "invalid_login": "Enter the email address and password of your casereview account. Check both and try again.",
        "inactive": "This account is switched off. Ask your programme lead to switch it on again.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].error_messages["required"] = "Enter your password"
