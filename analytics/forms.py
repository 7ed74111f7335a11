from django import forms

from analytics.models import SettingsDataset, VariationSettings
from analytics.scopes import PART_KINDS, Scope
from casereview.identifiers import reject_identifiers


class SettingsUploadForm(forms.Form):
    name = SettingsDataset._meta.get_field("name").formfield(
        validators=[reject_identifiers], help_text="For example: Secondary schools 2025/26, SEND suspensions."
    )
    description = SettingsDataset._meta.get_field("description").formfield(
        required=False, validators=[reject_identifiers], help_text="Where the figures come from, and for which year."
    )
    file = forms.FileField(
        help_text=(
            "A .csv (UTF-8) or .xlsx file with one row per setting (see the template), "
            "or a DfE school-level SEN or exclusions file as downloaded."
        )
    )
    more_file = forms.FileField(
        required=False,
        label="A second DfE file (optional)",
        help_text=(
            "With a DfE file: the other DfE school-level file (exclusions with SEN, or SEN with exclusions), "
            "joined on the school URN."
        ),
    )
    la_name = forms.CharField(
        required=False,
        max_length=100,
        label="Local authority (DfE files only)",
        validators=[reject_identifiers],
        help_text=(
            "As the DfE file writes it in its la_name column, for example Northshire. Only this LA's schools are read."
        ),
    )


class VariationSettingsForm(forms.ModelForm):
    class Meta:
        model = VariationSettings
        fields = ["suppress_small_counts"]


class ScopeFilterForm(forms.Form):
    """The dashboard's filters: one select per kind of scope part, "Any" first. Sent by GET; the
    view turns the answer into the one address of that scope (?scope=KEY). Selects only: it takes
    no typed text, so nothing here could hold an identifier."""

    LABELS = {
        "workshop": "Workshop",
        "phase": "Phase",
        "primary_need": "Primary need",
        "support_level": "Support level",
        "provision": "Current provision",
    }
    HELP = {"provision": "As it was when the case was reviewed."}

    def __init__(self, *args, options: dict[str, list[tuple[str, str]]], scope: Scope | None = None, **kwargs):
        super().__init__(*args, initial=dict(scope.parts) if scope else None, **kwargs)
        for kind in PART_KINDS:
            self.fields[kind] = forms.ChoiceField(
                label=self.LABELS[kind],
                required=False,
                choices=[("", "Any"), *options[kind]],
                help_text=self.HELP.get(kind, ""),
            )

    def scope(self) -> Scope:
        return Scope.of(**self.cleaned_data)
