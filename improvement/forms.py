"""Forms of the improvement plan. Model forms run the models' validators, so every text field goes
through the identifier guard; the plain forms call it themselves."""

from django import forms
from django.core.exceptions import ValidationError

from analytics.models import SettingsDataset
from casereview.forms import TermChoiceField, TermsMultipleChoiceField
from casereview.identifiers import reject_identifiers
from casereview.names import reject_names
from casereview.selectors import offered_terms
from casereview.vocabularies import VocabularyKind
from improvement.models import (
    Action,
    FocusArea,
    FollowUpOutcome,
    Kpi,
    Plan,
    Rag,
    Recommendation,
    Risk,
    Workstream,
)
from workshops.models import FindingKind, ProcessFinding

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
NO_NAMES = "Staff and services only: never a child's name or any detail that could identify a child."


def _findings_of(organisation):
    """The LA's process-map blockers and root causes: what an action may cite."""
    return (
        ProcessFinding.objects.for_organisation(organisation)
        .filter(kind__in=[FindingKind.BLOCKER, FindingKind.ROOT_CAUSE])
        .select_related("step__process_map")
        .order_by("step__process_map__title", "step__position", "pk")
    )


class FindingsField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, finding):
        return (
            f"{finding.get_kind_display()} at “{finding.step.title}” ({finding.step.process_map.title}): {finding.text}"
        )


class _EvidenceMixin:
    """Themes (the LA's current ones, plus those already cited) and process-map findings."""

    def _evidence_fields(self, organisation):
        keeping = self.instance.themes.values_list("pk", flat=True) if self.instance.pk else ()
        self.fields["themes"] = TermsMultipleChoiceField(
            required=False,
            widget=forms.CheckboxSelectMultiple,
            help_text="The review themes this answers.",
        )
        self.fields["themes"].terms = offered_terms(organisation, [VocabularyKind.THEME], keeping=keeping)[
            VocabularyKind.THEME
        ]
        if self.instance.pk:
            self.initial.setdefault("themes", [t.pk for t in self.instance.themes.all()])
        self.fields["findings"] = FindingsField(
            queryset=_findings_of(organisation),
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label="Process map blockers and root causes",
            help_text="Findings of your process maps that this answers.",
        )
        self.fields["funnel_finding"].label = "Compare settings finding"
        self.fields["funnel_dataset"] = forms.ModelChoiceField(
            queryset=SettingsDataset.objects.for_organisation(organisation),
            required=False,
            label="Compare settings dataset",
            help_text="The dataset of the funnel plot the finding comes from.",
            initial=self.instance.funnel_dataset_id,
        )


class PlanForm(forms.ModelForm):
    class Meta:
        model = Plan
        fields = ["title", "purpose"]
        help_texts = {"title": "For example: SEND improvement programme 2026–28, or Written Statement of Action."}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if (
            Plan.objects.for_organisation(self.organisation)
            .filter(title__iexact=title)
            .exclude(pk=self.instance.pk)
            .exists()
        ):
            raise ValidationError("Your LA already has a plan with this title.")
        return title


class WorkstreamForm(forms.ModelForm):
    class Meta:
        model = Workstream
        fields = ["name", "position"]
        help_texts = {
            "name": "For example: Culture, Co-production, Identify–assess–meet need, Joint commissioning.",
            "position": "Workstreams are listed in this order.",
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.plan.workstreams.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError("This plan already has a workstream with this name.")
        return name


class FocusAreaForm(_EvidenceMixin, forms.ModelForm):
    class Meta:
        model = FocusArea
        fields = ["ref", "statement", "funnel_finding", "funnel_dataset"]
        labels = {"statement": "What good looks like"}
        widgets = {"statement": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self._evidence_fields(organisation)


class ActionForm(_EvidenceMixin, forms.ModelForm):
    """An action of one of the LA's focus areas. ``version`` is the version the person is editing."""

    focus_area = forms.ModelChoiceField(queryset=FocusArea.objects.none(), label="Focus area")
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Action
        fields = [
            "focus_area",
            "title",
            "owner",
            "due",
            "status",
            "rag",
            "issue",
            "mitigation",
            "funnel_finding",
            "funnel_dataset",
        ]
        labels = {"title": "Milestone or action"}
        widgets = {
            "due": DATE,
            "issue": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
            "rag": forms.RadioSelect,
        }
        help_texts = {
            "owner": f"A staff role or a member of staff, e.g. Head of SEND. {NO_NAMES}",
            "issue": "Required when the action is amber or red: what is getting in the way.",
            "mitigation": "Required when the action is amber or red: what is being done about it.",
        }

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.for_organisation(organisation).select_related(
            "workstream__plan"
        )
        self.fields["focus_area"].label_from_instance = lambda a: (
            f"{a.workstream.plan.title} › {a.workstream.name} › {a.ref}. {a.statement[:80]}"
        )
        self.fields["rag"].choices = Rag.choices
        self.initial.setdefault("version", self.instance.version if self.instance.pk else 0)
        self._evidence_fields(organisation)
        # The model's validators run in the service, not here (see _post_clean): the guard is put on
        # the form's text fields too, so the person is told at the field before anything is saved.
        for field in self.fields.values():
            if isinstance(field, forms.CharField) and reject_identifiers not in field.validators:
                field.validators.append(reject_identifiers)

    def _post_clean(self):
        # The service validates and saves the action (with its history); the form only checks fields.
        pass


class ProgressNoteForm(forms.Form):
    date = forms.DateField(widget=DATE)
    text = forms.CharField(
        label="Progress", widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, validators=[reject_identifiers]
    )


class NextStepForm(forms.Form):
    text = forms.CharField(label="Next step", max_length=300, validators=[reject_identifiers])


class RecommendationForm(forms.ModelForm):
    theme = TermChoiceField(label="Theme", empty_label=None)

    class Meta:
        model = Recommendation
        fields = ["ref", "theme", "text"]
        labels = {"text": "Recommendation"}
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["theme"].terms = offered_terms(plan.organisation, [VocabularyKind.THEME])[VocabularyKind.THEME]

    def clean_ref(self):
        ref = " ".join(self.cleaned_data["ref"].split())
        if self.plan.recommendations.filter(ref__iexact=ref).exclude(pk=self.instance.pk).exists():
            raise ValidationError("This plan already has a recommendation with this reference.")
        return ref


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[(c.value, c.label) for c in Recommendation.Decision if c != Recommendation.Decision.OPEN],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        validators=[reject_identifiers],
        help_text="Required when deferring or declining.",
    )
    focus_area = forms.ModelChoiceField(
        queryset=FocusArea.objects.none(),
        required=False,
        label="Focus area of the new action",
        help_text="When accepting.",
    )
    owner = forms.CharField(required=False, max_length=120, label="Owner of the new action", help_text=NO_NAMES)
    due = forms.DateField(required=False, widget=DATE, label="Due date of the new action")

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["focus_area"].queryset = FocusArea.objects.filter(workstream__plan=plan).select_related(
            "workstream"
        )
        self.fields["focus_area"].label_from_instance = lambda a: f"{a.workstream.name} › {a.ref}. {a.statement[:80]}"

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        reject_identifiers(owner)
        return owner


class RiskForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Risk
        fields = ["title", "detail", "rag", "impact", "mitigation", "owner", "review_date", "closed"]
        widgets = {
            "review_date": DATE,
            "rag": forms.RadioSelect,
            "detail": forms.Textarea(attrs={"rows": 2}),
            "impact": forms.Textarea(attrs={"rows": 2}),
            "mitigation": forms.Textarea(attrs={"rows": 2}),
        }
        help_texts = {"owner": NO_NAMES, "closed": "Closed risks leave the register's counts but stay listed."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["rag"].choices = Rag.choices
        self.initial.setdefault("version", self.instance.version if self.instance.pk else 0)


class KpiForm(forms.ModelForm):
    class Meta:
        model = Kpi
        fields = ["name", "kind", "unit", "direction", "target", "frequency", "source"]
        help_texts = {
            "source": (
                "Computed KPIs take their values from casereview's own figures; the others are entered or imported."
            )
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.plan.kpis.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError("This plan already has a KPI with this name.")
        return name


class KpiValueForm(forms.Form):
    period = forms.CharField(max_length=20, help_text="A month (2026-05) or the first day of the period (2026-04-01).")
    value = forms.DecimalField(max_digits=12, decimal_places=2)

    def clean_period(self):
        from improvement.services import parse_period

        try:
            return parse_period(self.cleaned_data["period"])
        except ValueError as error:
            raise ValidationError(str(error).capitalize()) from None


class KpiImportForm(forms.Form):
    file = forms.FileField(help_text="A .csv (UTF-8) or .xlsx file with the columns kpi, period, value.")


class FollowUpForm(forms.Form):
    date = forms.DateField(widget=DATE)
    outcome = forms.ChoiceField(choices=FollowUpOutcome.choices, widget=forms.RadioSelect, label="What happened")
    note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        validators=[reject_identifiers, reject_names],
        help_text=NO_NAMES,
    )


class UpdateForm(forms.Form):
    title = forms.CharField(
        max_length=200, validators=[reject_identifiers], help_text="For example: Monitoring update – April 2027."
    )
    as_of = forms.DateField(widget=DATE, label="As at")
    highlights = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=4000,
        validators=[reject_identifiers],
        help_text="One highlight per line.",
    )
