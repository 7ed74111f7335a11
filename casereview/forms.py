from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.forms.models import ModelChoiceIterator

from casereview.identifiers import reject_identifiers
from casereview.models import TermScope, VocabularyTerm
from casereview.signin.selectors import password_refused_for, sign_in_for_email
from casereview.vocabularies import VocabularyKind

SCOPE_HELP = (
    "Where the theme is offered: review rooms' theme buttons, plans (focus areas, actions, recommendations), "
    "or both. Dashboards count every theme a review used, whatever its scope."
)


def _scope_field():
    return forms.ChoiceField(
        label="Offered in",
        required=False,  # left out (an older form, a script): the theme keeps its scope, or a new one is for both
        choices=TermScope.choices,
        initial=TermScope.BOTH,
        widget=forms.RadioSelect,
        help_text=SCOPE_HELP,
    )


class VocabularyTermForm(forms.ModelForm):
    """Rename or reorder a term, and for a theme say where it is offered (``scope``). Its code
    never changes, so imports and history keep working."""

    class Meta:
        model = VocabularyTerm
        fields = ["label", "position", "scope"]
        help_texts = {"position": "Lists are shown in this order, lowest first."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.kind == VocabularyKind.THEME:
            self.fields["scope"] = _scope_field()
        else:
            del self.fields["scope"]  # only themes have a scope: the other lists serve rooms and plans alike

    def clean_scope(self):
        return self.cleaned_data.get("scope") or self.instance.scope

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

    def __init__(self, *args, kind=None, **kwargs):
        super().__init__(*args, **kwargs)
        if kind == VocabularyKind.THEME:
            self.fields["scope"] = _scope_field()


class SignInForm(AuthenticationForm):
    """Django's sign-in with one plain message for a wrong email or password, and messages that say what to do.

    Email first: an address of a domain whose LA signs its staff in through its own provider is
    sent there (``sso`` is set, the password is neither needed nor checked); anyone else signs in
    with the password on the same page, so it works with JavaScript off. A member of an LA that
    requires single sign-on is refused a password sign-in, but only once the password is right,
    so the page never tells a guesser which addresses exist."""

    error_messages = {
        "invalid_login": "Enter the email address and password of your casereview account. Check both and try again.",
        "inactive": "This account is switched off. Ask your programme lead to switch it on again.",
        "sso_required": "Your council signs you in to casereview with its own sign-in. Use your council email address.",
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.sso = None
        self.fields["username"].error_messages["required"] = "Enter your email address"
        self.fields["password"].required = False
        self.fields["password"].help_text = "Not needed if your council signs you in: you will be sent to its sign-in."

    def clean(self):
        email = (self.cleaned_data.get("username") or "").strip()
        self.sso = sign_in_for_email(email) if email else None
        if self.sso is not None:
            return self.cleaned_data
        if not self.cleaned_data.get("password"):
            self.add_error("password", "Enter your password")
            return self.cleaned_data
        return super().clean()

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if password_refused_for(user):
            raise ValidationError(self.error_messages["sso_required"], code="sso_required")


def add_service_errors(form: forms.Form, error: ValidationError, *, field: str | None = None) -> None:
    """Show a service's refusal on the form it came from: a message about a field the form has goes
    beside that field, anything else to ``field`` (None: the error summary at the top)."""
    if hasattr(error, "error_dict"):
        for name, problems in error.message_dict.items():
            form.add_error(name if name in form.fields else field, problems)
    else:
        form.add_error(field, error.messages)


# --- vocabulary fields, shared by every form that offers an LA's terms -----------------------------


class _ListedTermsIterator(ModelChoiceIterator):
    """Choices from the terms the form has read, rather than a query (a server-side cursor, on
    PostgreSQL) per field each time the field is drawn."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for term in self.field.terms:
            yield self.choice(term)

    def __len__(self):
        return len(self.field.terms) + (1 if self.field.empty_label is not None else 0)

    def __bool__(self):
        return self.field.empty_label is not None or bool(self.field.terms)


class _ListedTermsMixin:
    """A vocabulary field offering ``terms``, a list its form read once for all its fields: drawing
    the field and checking an answer need no query of their own. Anything not in the list (another
    LA's term, a retired one, a made-up id) is refused as an invalid choice."""

    iterator = _ListedTermsIterator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, queryset=VocabularyTerm.objects.none(), **kwargs)
        self.terms = []  # the terms offered: each form sets its own list

    def _term(self, value):
        self.validate_no_null_characters(value)
        term = next((term for term in self.terms if str(term.pk) == str(value)), None)
        if term is None:
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value})
        return term


class TermChoiceField(_ListedTermsMixin, forms.ModelChoiceField):
    def to_python(self, value):
        return None if value in self.empty_values else self._term(value)


class TermsMultipleChoiceField(_ListedTermsMixin, forms.ModelMultipleChoiceField):
    def _check_values(self, value):
        chosen = {self._term(pk).pk for pk in value}
        return [term for term in self.terms if term.pk in chosen]
