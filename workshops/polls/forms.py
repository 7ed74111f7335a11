from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from casereview.identifiers import reject_identifiers
from workshops.models import Poll, PollSettings


class PollForm(forms.ModelForm):
    options_text = forms.CharField(
        label="Options", required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a choice poll: one option per line, in the order to show them.",
    )

    class Meta:
        model = Poll
        fields = ["question", "kind", "options_text", "scale_max", "scale_low_label", "scale_high_label", "words_per_attendee", "approve_first", "ask_role"]
        labels = {"scale_max": "Scale runs from 1 to", "words_per_attendee": "Answers per attendee (words polls)"}
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options_text"].initial = "\n".join(self.instance.options or [])
        self.fields["scale_max"].validators.append(MinValueValidator(2))
        self.fields["scale_max"].validators.append(MaxValueValidator(10))
        self.fields["words_per_attendee"].validators.append(MinValueValidator(1))
        self.fields["words_per_attendee"].validators.append(MaxValueValidator(10))

    def clean_options_text(self):
        options = [" ".join(line.split()) for line in self.cleaned_data["options_text"].splitlines() if line.strip()]
        for option in options:
            if len(option) > 100:
                raise ValidationError("Keep each option to 100 characters.")
            reject_identifiers(option)
        if len({option.casefold() for option in options}) != len(options):
            raise ValidationError("Each option must be different.")
        return options

    def clean(self):
        data = super().clean()
        if data.get("kind") == Poll.Kind.CHOICE and len(data.get("options_text") or []) < 2:
            self.add_error("options_text", "A choice poll needs at least two options.")
        return data

    def save(self, commit=True):
        self.instance.options = self.cleaned_data["options_text"] if self.instance.kind == Poll.Kind.CHOICE else []
        return super().save(commit)


class PollSettingsForm(forms.ModelForm):
    class Meta:
        model = PollSettings
        fields = ["profanity_filter_on", "blocked_words"]
        labels = {"profanity_filter_on": "Refuse answers containing a blocked word", "blocked_words": "Blocked words"}
        widgets = {"blocked_words": forms.Textarea(attrs={"rows": 12})}
