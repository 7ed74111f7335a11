from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator

from casereview.identifiers import reject_identifiers
from workshops.models import Poll, PollSettings

# The fields each kind of poll uses. The page shows the chosen kind's only, and the form reads
# only those: another kind's (still on the page, hidden, for a live change of kind) are neither
# checked nor saved, so a words poll is never refused for a scale it does not have.
KIND_FIELDS = {
    Poll.Kind.WORDS: ("words_per_attendee", "approve_first"),
    Poll.Kind.CHOICE: ("options_text",),
    Poll.Kind.SCALE: ("scale_max", "scale_low_label", "scale_high_label"),
}
KIND_LEGENDS = {Poll.Kind.WORDS: "Words poll", Poll.Kind.CHOICE: "Choice poll", Poll.Kind.SCALE: "Scale poll"}


class PollForm(forms.ModelForm):
    options_text = forms.CharField(
        label="Options",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="For a choice poll: one option per line, in the order to show them.",
    )

    class Meta:
        model = Poll
        fields = [
            "question",
            "kind",
            "options_text",
            "scale_max",
            "scale_low_label",
            "scale_high_label",
            "words_per_attendee",
            "approve_first",
            "ask_role",
        ]
        labels = {"scale_max": "Scale runs from 1 to", "words_per_attendee": "Answers per attendee (words polls)"}
        widgets = {"kind": forms.RadioSelect}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["options_text"].initial = "\n".join(self.instance.options or [])
        self.fields["scale_max"].validators.append(MinValueValidator(2))
        self.fields["scale_max"].validators.append(MaxValueValidator(10))
        self.fields["words_per_attendee"].validators.append(MinValueValidator(1))
        self.fields["words_per_attendee"].validators.append(MaxValueValidator(10))

    @property
    def chosen_kind(self) -> str:
        """The kind whose fields are shown and read: as sent (or, unbound, as asked for), else the poll's own."""
        chosen = self.data.get("kind") if self.is_bound else self.initial.get("kind")
        return chosen if chosen in Poll.Kind.values else self.instance.kind

    def kind_sections(self) -> list[tuple[str, str, list, bool]]:
        """(kind, legend, its fields, shown) for each kind, in order."""
        return [
            (kind, KIND_LEGENDS[kind], [self[name] for name in names], kind == self.chosen_kind)
            for kind, names in KIND_FIELDS.items()
        ]

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
        kind = data.get("kind", self.instance.kind)
        for other, names in KIND_FIELDS.items():
            if other != kind:
                for name in names:  # another kind's: not read, so the poll keeps what it had
                    data.pop(name, None)
                    self._errors.pop(name, None)
        if kind == Poll.Kind.CHOICE and len(data.get("options_text") or []) < 2:
            self.add_error("options_text", "A choice poll needs at least two options.")
        return data

    def save(self, commit=True):
        self.instance.options = (
            self.cleaned_data.get("options_text", []) if self.instance.kind == Poll.Kind.CHOICE else []
        )
        return super().save(commit)


class PollSettingsForm(forms.ModelForm):
    class Meta:
        model = PollSettings
        fields = ["profanity_filter_on", "blocked_words"]
        labels = {"profanity_filter_on": "Refuse answers containing a blocked word", "blocked_words": "Blocked words"}
        widgets = {"blocked_words": forms.Textarea(attrs={"rows": 12})}
