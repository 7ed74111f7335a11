"""Forms of the improvement plan. Model forms run the models' validators, so every text field goes
through the identifier guard; the plain forms call it themselves."""

from urllib.parse import urlsplit

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q

from analytics.models import SettingsDataset
from casereview.forms import TermChoiceField, TermsMultipleChoiceField
from casereview.identifiers import reject_identifiers
from casereview.models import TermScope
from casereview.names import reject_names
from casereview.selectors import offered_terms
from casereview.vocabularies import VocabularyKind
from improvement.models import (
    Action,
    FocusArea,
    FollowUpOutcome,
    Kpi,
    MonitoringUpdate,
    Plan,
    Rag,
    Rating,
    Recommendation,
    ReportingMeeting,
    Risk,
    Workstream,
)
from improvement.refs import validate_ref
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
        # Themes for plans (for plans only, or for rooms and plans): a review room's own themes stay out.
        self.fields["themes"].terms = offered_terms(
            organisation, [VocabularyKind.THEME], keeping=keeping, for_use=TermScope.PLANS
        )[VocabularyKind.THEME]
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


class MemberChoiceField(forms.ModelChoiceField):
    """A member of the LA, by name and email (people with no name given show their email)."""

    def label_from_instance(self, user):
        name = user.get_full_name()
        return f"{name} ({user.email})" if name else user.email


def _members_of(organisation, keeping=None):
    """The LA's members with an active account; ``keeping`` (the current owner) stays listed."""
    members = Q(membership__organisation=organisation, is_active=True)
    if keeping is not None:
        members |= Q(pk=keeping)
    return get_user_model().objects.filter(members).order_by("first_name", "last_name", "email")


class ActionForm(_EvidenceMixin, forms.ModelForm):
    """An action of one of the LA's focus areas. ``version`` is the version the person is editing.

    Ordered for entering one quickly (docs/improvement.md, "Entering an action"): from a focus
    area's link the form needs a title, an owner and a due date; status starts at Not started and
    RAG at Not yet rated."""

    focus_area = forms.ModelChoiceField(queryset=FocusArea.objects.none(), label="Focus area")
    owner_member = MemberChoiceField(
        queryset=get_user_model().objects.none(),
        required=False,
        label="Owner (a member)",
        empty_label="No member chosen",
        help_text="A member of your LA: they get an email when it is due within 14 days or overdue.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Action
        fields = [
            "focus_area",
            "ref",
            "title",
            "owner_member",
            "owner",
            "due",
            "status",
            "rag",
            "issue",
            "mitigation",
            "funnel_finding",
            "funnel_dataset",
        ]
        labels = {"title": "Milestone or action", "owner": "Owner (a role)", "due": "Due date", "rag": "RAG"}
        widgets = {
            "due": DATE,
            "issue": forms.Textarea(attrs={"rows": 3}),
            "mitigation": forms.Textarea(attrs={"rows": 3}),
            "rag": forms.RadioSelect,
        }
        help_texts = {
            "ref": "Optional, as in your plan, e.g. 1.1, 14–15 or 2.A.",
            "owner": f"Or a staff role or a member of staff, e.g. Head of SEND. {NO_NAMES}",
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
        self.fields["owner_member"].queryset = _members_of(organisation, keeping=self.instance.owner_member_id)
        # Not yet rated first, and chosen for a new action: nobody has judged it yet.
        self.fields["rag"].choices = [("", Rating.NOT_RATED.label), *Rag.choices]
        self.fields["ref"].validators.append(validate_ref)
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
        keeping = [self.instance.theme_id] if self.instance.pk else []
        self.fields["theme"].terms = offered_terms(
            plan.organisation, [VocabularyKind.THEME], keeping=keeping, for_use=TermScope.PLANS
        )[VocabularyKind.THEME]

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
    """A KPI as LAs report it: how often (its periods), which way is better (or neither: a trend
    only), where it started (the baseline), the target, and the focus areas it measures."""

    focus_areas = forms.ModelMultipleChoiceField(
        queryset=FocusArea.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Focus areas it measures",
        help_text="Shown under each of these focus areas on the plan's page.",
    )

    class Meta:
        model = Kpi
        fields = ["name", "kind", "unit", "frequency", "direction", "baseline", "target", "focus_areas", "source"]
        labels = {"frequency": "How often it is reported", "direction": "Which way is better"}
        widgets = {"direction": forms.RadioSelect}
        help_texts = {
            "frequency": (
                "Names its periods: a month (2026-05), a quarter (2026/27 Q1), a term (2025/26 Autumn term), "
                "an academic year (2025/26), or the day of a workshop or of an ad hoc count."
            ),
            "direction": "Neither: a count such as the number of requests for an EHC needs assessment is shown "
            "as a trend (up or down), never rated red, amber or green.",
            "baseline": "Where it started, e.g. the figure in your self-evaluation. Shown on the chart as a line.",
            "target": "Leave it empty for a KPI where neither higher nor lower is better.",
            "source": (
                "Computed KPIs take their values from casereview's own figures; the others are entered or imported."
            ),
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["focus_areas"].queryset = FocusArea.objects.filter(workstream__plan=plan).select_related(
            "workstream"
        )
        self.fields["focus_areas"].label_from_instance = lambda area: f"{area.ref}. {area.statement}"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if self.plan.kpis.filter(name__iexact=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError("This plan already has a KPI with this name.")
        return name

    def clean(self):
        from improvement.periods import period_label, period_start
        from improvement.selectors import COMPUTED_FREQUENCY

        cleaned = super().clean()
        direction, target = cleaned.get("direction"), cleaned.get("target")
        frequency, source = cleaned.get("frequency"), cleaned.get("source")
        if direction == Kpi.Direction.NEUTRAL and target is not None:
            self.add_error(
                "target",
                "A KPI where neither higher nor lower is better has no target: leave the target empty, "
                "or choose which way is better.",
            )
        own = COMPUTED_FREQUENCY.get(source)
        if own and frequency and frequency != own:
            self.add_error(
                "frequency",
                f"{Kpi.Source(source).label.removeprefix('Computed: ')} comes "
                f"{'by month' if own == Kpi.Frequency.MONTHLY else 'per workshop'}: "
                f"choose {Kpi.Frequency(own).label}.",
            )
        elif self.instance.pk and frequency and frequency != self.instance.frequency:
            for value in self.instance.values.all():
                if period_start(frequency, value.period) != value.period:
                    old = period_label(self.instance.frequency, value.period)
                    self.add_error(
                        "frequency",
                        f"Its values are kept by {self.instance.get_frequency_display().lower()} period, and "
                        f"{old} does not start a period of the new frequency: keep the frequency, or add a "
                        "new KPI for the new periods.",
                    )
                    break
        return cleaned


class KpiValueForm(forms.Form):
    """A value of one KPI, its period written as the KPI's frequency names it."""

    period = forms.CharField(max_length=30)
    value = forms.DecimalField(max_digits=12, decimal_places=2)

    def __init__(self, *args, kpi, **kwargs):
        from improvement.selectors import series_frequency
        from improvement.services import PERIOD_NOUNS, period_example

        super().__init__(*args, **kwargs)
        self.frequency = series_frequency(kpi)
        noun = PERIOD_NOUNS.get(self.frequency, "date")
        self.fields["period"].help_text = (
            f"This KPI is {kpi.get_frequency_display().lower()}: write the {noun}, e.g. "
            f"{period_example(self.frequency)}"
            + ("." if noun == "date" else f", or a date in it (2026-05-20) and it goes to its {noun}.")
        )

    def clean_period(self):
        from improvement.services import parse_period

        try:
            return parse_period(self.cleaned_data["period"], self.frequency)
        except ValueError as error:
            message = str(error)
            raise ValidationError(message[:1].upper() + message[1:]) from None


class KpiImportForm(forms.Form):
    file = forms.FileField(
        help_text=(
            "A .csv (UTF-8) or .xlsx file with the columns kpi, period, value; each period as its KPI's "
            "frequency names it (2026-05, 2025/26 Autumn term, 2025/26) or a date in it."
        )
    )


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
        help_text="One highlight per line; a line starting with “-” or “•” is a bullet too.",
    )
    meeting = forms.ModelChoiceField(
        queryset=ReportingMeeting.objects.none(),
        required=False,
        label="For which meeting",
        empty_label="No meeting",
        help_text="A meeting of the plan's reporting calendar; the next one is chosen for you.",
    )

    def __init__(self, *args, plan: Plan | None = None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            meetings = ReportingMeeting.objects.filter(plan=plan)
            self.fields["meeting"].queryset = meetings
            if not self.is_bound and today is not None:
                upcoming = meetings.filter(date__gte=today).order_by("date", "pk").first()
                self.initial.setdefault("meeting", upcoming.pk if upcoming else None)


class EvidenceLinkForm(forms.Form):
    """A link to evidence of an action: a web address (http or https only) and what it is."""

    url = forms.URLField(
        label="Link",
        max_length=500,
        assume_scheme="https",
        validators=[reject_identifiers],
        error_messages={"invalid": "Enter a web address, e.g. https://council.sharepoint.com/sites/send."},
        help_text="A web address, e.g. https://council.sharepoint.com/… or a dashboard's address.",
    )
    label = forms.CharField(
        label="What it is (optional)",
        required=False,
        max_length=200,
        validators=[reject_identifiers],
        help_text="e.g. Board paper, March 2027.",
    )

    def clean_url(self):
        url = self.cleaned_data["url"]
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise ValidationError("Give a web address starting with https:// (or http://).")
        return url


# --- the reporting calendar and sign-off (docs/improvement.md, "Monitoring updates") -----------


class MeetingForm(forms.ModelForm):
    """One meeting of the plan's reporting calendar (the model's validators guard the text)."""

    class Meta:
        model = ReportingMeeting
        fields = ["board", "date", "reported"]
        labels = {"board": "Board or meeting"}
        widgets = {"date": DATE, "reported": forms.Textarea(attrs={"rows": 3})}


class SignOffForm(forms.ModelForm):
    """Who signed a frozen update off, and when: a role or a name, guarded like all plan text."""

    class Meta:
        model = MonitoringUpdate
        fields = ["signed_off_by", "signed_off_on"]
        labels = {"signed_off_by": "Signed off by", "signed_off_on": "Signed off on"}
        widgets = {"signed_off_on": DATE}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signed_off_by"].required = True
        self.fields["signed_off_on"].required = True
        self.fields["signed_off_by"].error_messages["required"] = (
            "Say who signed it off: a role or a name, e.g. Chair, SEND Partnership Board."
        )
        self.fields["signed_off_on"].error_messages["required"] = "Give the date it was signed off, e.g. 2027-05-20."


class ScheduleFollowUpForm(forms.Form):
    """When to follow a reviewed case up next: 3, 6 or 12 months after the review, or on a date."""

    when = forms.ChoiceField(
        label="Next follow-up",
        choices=[
            ("3", "3 months after the review"),
            ("6", "6 months after the review"),
            ("12", "12 months after the review"),
            ("date", "On a date"),
        ],
        widget=forms.RadioSelect,
        initial="6",
        error_messages={"required": "Choose 3, 6 or 12 months after the review, or a date."},
    )
    due = forms.DateField(
        required=False,
        widget=DATE,
        label="Date (when “On a date”)",
        error_messages={"invalid": "Enter the date as a date, e.g. 2027-03-31."},
    )

    def clean(self):
        data = super().clean()
        when = data.get("when")
        if when == "date" and not data.get("due") and "due" not in self.errors:
            self.add_error("due", "Give the date of the next follow-up, or choose 3, 6 or 12 months.")
        return data

    @property
    def schedule(self) -> dict:
        """The keyword arguments of ``follow_ups.follow_up_schedule``: months, or a date."""
        when = self.cleaned_data["when"]
        return {"due": self.cleaned_data["due"]} if when == "date" else {"months": int(when)}
