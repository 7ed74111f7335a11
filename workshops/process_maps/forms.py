from django import forms

from casereview.identifiers import reject_identifiers
from casereview.selectors import offered_terms
from casereview.vocabularies import VocabularyKind
from workshops.forms import TermsMultipleChoiceField
from workshops.models import FindingKind, ProcessMap, ProcessStep


class ProcessMapForm(forms.ModelForm):
    class Meta:
        model = ProcessMap
        fields = ["title", "process"]
        labels = {"title": "Title of the map", "process": "Process it describes"}


class StepForm(forms.Form):
    title = forms.CharField(label="Step", max_length=200, validators=[reject_identifiers])
    responsible = forms.ChoiceField(
        label="Who is responsible", choices=[("", "Not said")] + ProcessStep.Responsible.choices, required=False
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class FindingForm(forms.Form):
    kind = forms.ChoiceField(label="Kind", choices=FindingKind.choices, widget=forms.RadioSelect)
    text = forms.CharField(
        label="Finding",
        max_length=500,
        validators=[reject_identifiers],
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the room said, in a sentence. Never a name or anything that identifies a child.",
    )
    themes = TermsMultipleChoiceField(label="Themes (optional)", required=False, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, organisation, themes=None, **kwargs):
        """``themes``: the LA's offered themes, when a page drawing a form for each step has read them once."""
        super().__init__(*args, **kwargs)
        self.fields["themes"].terms = (
            offered_terms(organisation, [VocabularyKind.THEME])[VocabularyKind.THEME] if themes is None else themes
        )
