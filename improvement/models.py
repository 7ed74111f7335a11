"""Acting on the results (docs/improvement.md): an LA's improvement plan, from themes to actions, with
RAG history, risks, recommendations, KPIs, case follow-ups and frozen monitoring updates.

Every text field a person types is guarded against a child's identifiers; owners are staff (a
role or a name), never a child."""

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone

from analytics.models import SettingsDataset
from casereview.identifiers import reject_identifiers
from casereview.models import Organisation, VocabularyTerm
from casereview.tenancy import TenantQuerySet
from casereview.vocabularies import VocabularyKind
from improvement.refs import sort_key, validate_ref
from workshops.models import CaseReview, ProcessFinding


class Rag(models.TextChoices):
    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class Rating(models.TextChoices):
    """What a board paper shows for an action (BRAG): its RAG, blue once complete, or not yet rated."""

    RED = "red", "Red"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"
    BLUE = "blue", "Complete"
    NOT_RATED = "", "Not yet rated"


class _Referenced(models.Model):
    """A line people number in their own way ("1.1", "14–15", "2.A"), ordered naturally."""

    ref = models.CharField(
        "Reference",
        max_length=20,
        blank=True,
        validators=[validate_ref, reject_identifiers],
        help_text="As in your plan, e.g. 1.1, 14–15 or 2.A.",
    )
    sort_key = models.CharField(max_length=100, editable=False, default="~", db_index=True)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.ref = " ".join(self.ref.split())
        self.sort_key = sort_key(self.ref)
        if kwargs.get("update_fields") is not None and "ref" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "sort_key"}
        super().save(*args, **kwargs)


class Plan(models.Model):
    """One improvement plan of an LA, e.g. "SEND improvement programme 2026–28" or a WSOA."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="improvement_plans")
    title = models.CharField(max_length=200, validators=[reject_identifiers])
    purpose = models.TextField(blank=True, max_length=2000, validators=[reject_identifiers])
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["title"]
        constraints = [models.UniqueConstraint(fields=["organisation", "title"], name="plan_title_unique_per_la")]

    def __str__(self):
        return self.title


class Workstream(models.Model):
    tenant_path = "plan__organisation"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="workstreams")
    name = models.CharField(max_length=120, validators=[reject_identifiers])
    position = models.PositiveIntegerField(default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="workstream_name_unique_per_plan")]

    def __str__(self):
        return self.name


class FocusArea(_Referenced):
    """A numbered statement of what good looks like (seed 003: "Focus Area 1: Partners agree...")."""

    tenant_path = "workstream__plan__organisation"

    workstream = models.ForeignKey(Workstream, on_delete=models.CASCADE, related_name="focus_areas")
    ref = models.CharField(
        "Reference",
        max_length=20,
        validators=[validate_ref, reject_identifiers],
        help_text="As in your plan, e.g. 1, 1.B or 14–15.",
    )
    statement = models.TextField(max_length=1000, validators=[reject_identifiers])
    themes = models.ManyToManyField(
        VocabularyTerm, blank=True, related_name="+", limit_choices_to={"kind": VocabularyKind.THEME}
    )
    findings = models.ManyToManyField(ProcessFinding, blank=True, related_name="+")
    funnel_finding = models.CharField(
        max_length=300,
        blank=True,
        validators=[reject_identifiers],
        help_text=(
            "A finding of Compare settings, e.g. "
            "“Suspensions of pupils with an EHCP above the 99.8% limit at 3 secondaries”."
        ),
    )
    # The Compare settings dataset the finding comes from; kept (as none) if the dataset is deleted.
    funnel_dataset = models.ForeignKey(
        SettingsDataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "pk"]

    def __str__(self):
        return f"{self.ref}. {self.statement}" if self.ref else self.statement


class ActionStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Complete"
    STOPPED = "stopped", "Stopped"


class Action(_Referenced):
    """A milestone or action of a focus area: what, who, by when, and how it is going.

    ``version`` grows with every save: a save based on an older version is a conflict shown to
    the person saving, never a silent overwrite. Every save writes an ``ActionChange``."""

    tenant_path = "focus_area__workstream__plan__organisation"

    focus_area = models.ForeignKey(FocusArea, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(max_length=300, validators=[reject_identifiers])
    owner = models.CharField(
        max_length=120,
        blank=True,
        validators=[reject_identifiers],
        help_text="A staff role or a member of staff, e.g. Head of SEND.",
    )
    # A member of the LA who owns it: reminded by email of it coming due (improvement/reminders.py).
    owner_member = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due = models.DateField()
    status = models.CharField(max_length=20, choices=ActionStatus.choices, default=ActionStatus.NOT_STARTED)
    # Blank until someone judges it: a new action is "Not yet rated", never Green by default.
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices, blank=True, default="")
    issue = models.TextField(blank=True, max_length=2000, validators=[reject_identifiers])
    mitigation = models.TextField(blank=True, max_length=2000, validators=[reject_identifiers])
    themes = models.ManyToManyField(
        VocabularyTerm, blank=True, related_name="+", limit_choices_to={"kind": VocabularyKind.THEME}
    )
    findings = models.ManyToManyField(ProcessFinding, blank=True, related_name="+")
    funnel_finding = models.CharField(max_length=300, blank=True, validators=[reject_identifiers])
    funnel_dataset = models.ForeignKey(
        SettingsDataset, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    version = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "due", "pk"]

    def __str__(self):
        return self.title

    @property
    def rating(self) -> str:
        """The board paper's BRAG: blue once complete, else the RAG ("" when not yet rated)."""
        return Rating.BLUE if self.status == ActionStatus.DONE else self.rag

    def get_rating_display(self) -> str:
        return Rating(self.rating).label

    @property
    def owner_label(self) -> str:
        if self.owner:
            return self.owner
        if self.owner_member_id:
            return self.owner_member.get_full_name() or self.owner_member.email
        return ""

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """Past its due date and not finished. Shown as such; the RAG stays what the lead said."""
        today = today or timezone.localdate()
        return self.due < today and self.status not in (ActionStatus.DONE, ActionStatus.STOPPED)


class ActionChange(models.Model):
    """One save of an action: who, when, and what changed (old and new, in words). A RAG change is
    one of these: history, never overwritten."""

    tenant_path = "action__focus_area__workstream__plan__organisation"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    rag = models.CharField(max_length=10, choices=Rag.choices, blank=True, help_text="The RAG after this save.")
    changes = models.JSONField(help_text='{"field label": ["before", "after"]}')

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-version"]


class EvidenceLink(models.Model):
    """A link to evidence of an action (a board paper, a dashboard, a SharePoint folder): a URL
    checked by the identifier guard, never a file kept here."""

    tenant_path = "action__focus_area__workstream__plan__organisation"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="evidence_links")
    url = models.URLField("Link", max_length=500, validators=[reject_identifiers])
    label = models.CharField(max_length=200, blank=True, validators=[reject_identifiers])
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["added_at", "pk"]


class ProgressNote(models.Model):
    tenant_path = "action__focus_area__workstream__plan__organisation"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="progress_notes")
    date = models.DateField(default=timezone.localdate)
    text = models.TextField(max_length=2000, validators=[reject_identifiers])
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]


class NextStep(models.Model):
    """One item of an action's "next steps" checklist (seed 003's ☐ items)."""

    tenant_path = "action__focus_area__workstream__plan__organisation"

    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="next_steps")
    text = models.CharField(max_length=300, validators=[reject_identifiers])
    done = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]


class Recommendation(_Referenced):
    """A numbered recommendation under a theme (seed 004), accepted into actions, deferred or declined."""

    class Decision(models.TextChoices):
        OPEN = "open", "Not decided yet"
        ACCEPTED = "accepted", "Accepted"
        DEFERRED = "deferred", "Deferred"
        DECLINED = "declined", "Declined"

    tenant_path = "plan__organisation"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="recommendations")
    ref = models.CharField(
        "Reference",
        max_length=20,
        validators=[validate_ref, reject_identifiers],
        help_text="As in your plan, e.g. 1, 1.B or 14–15.",
    )
    theme = models.ForeignKey(
        VocabularyTerm, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": VocabularyKind.THEME}
    )
    text = models.TextField(max_length=2000, validators=[reject_identifiers])
    decision = models.CharField(max_length=10, choices=Decision.choices, default=Decision.OPEN)
    reason = models.TextField(blank=True, max_length=2000, validators=[reject_identifiers])
    actions = models.ManyToManyField(Action, blank=True, related_name="recommendations")
    decided_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "ref"], name="recommendation_ref_unique_per_plan")]


class Risk(_Referenced):
    """One line of the risks/issues register."""

    class Kind(models.TextChoices):
        RISK = "risk", "Risk"
        ISSUE = "issue", "Issue"

    tenant_path = "plan__organisation"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risks")
    kind = models.CharField("Type", max_length=10, choices=Kind.choices, default=Kind.RISK)
    title = models.CharField("Risk or issue", max_length=200, validators=[reject_identifiers])
    detail = models.TextField(blank=True, max_length=2000, validators=[reject_identifiers])
    rag = models.CharField("RAG", max_length=10, choices=Rag.choices)
    impact = models.TextField(blank=True, max_length=2000, validators=[reject_identifiers])
    mitigation = models.TextField(blank=True, max_length=2000, validators=[reject_identifiers])
    owner = models.CharField(
        max_length=120, validators=[reject_identifiers], help_text="A staff role or a member of staff."
    )
    review_date = models.DateField()
    closed = models.BooleanField(default=False)
    # Grows with every save, as on actions: a save based on an older version is a conflict.
    version = models.PositiveIntegerField(default=0)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["closed", "sort_key", "review_date", "pk"]

    def review_overdue(self, today: datetime.date | None = None) -> bool:
        return not self.closed and self.review_date < (today or timezone.localdate())


class RiskChange(models.Model):
    """One save of a risk: who, when, the RAG after it, and what changed (old and new, in words)."""

    tenant_path = "risk__plan__organisation"

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="changes")
    version = models.PositiveIntegerField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    rag = models.CharField(max_length=10, choices=Rag.choices)
    changes = models.JSONField(help_text='{"field label": ["before", "after"]}')

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-version"]


class KpiKind(models.TextChoices):
    HOW_MUCH = "how_much", "How much we did"
    HOW_WELL = "how_well", "How well we did it"
    DIFFERENCE = "difference", "What difference it made"


class Kpi(models.Model):
    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"
        # e.g. "number of EHCP requests": neither is better; shown as a trend, never rated.
        NEUTRAL = "neutral", "Neither (a trend only)"

    class Frequency(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        TERMLY = "termly", "Termly"
        ANNUAL = "annual", "Annual (academic year)"
        PER_WORKSHOP = "per_workshop", "Per workshop"
        AD_HOC = "ad_hoc", "Ad hoc"

    class Source(models.TextChoices):
        MANUAL = "manual", "Entered or imported"
        REVIEWS_PER_MONTH = "reviews_per_month", "Computed: case reviews held per month"
        NON_IDEAL_SHARE = "non_ideal_share", "Computed: share of reviews not ideal, per workshop (%)"
        FOLLOW_UPS_DONE = "follow_ups_done", "Computed: case follow-ups done per month"

    tenant_path = "plan__organisation"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="kpis")
    name = models.CharField(max_length=200, validators=[reject_identifiers])
    kind = models.CharField(max_length=20, choices=KpiKind.choices)
    unit = models.CharField(
        max_length=40, blank=True, validators=[reject_identifiers], help_text="e.g. %, reviews, days."
    )
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.UP)
    baseline = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    frequency = models.CharField(max_length=20, choices=Frequency.choices, default=Frequency.MONTHLY)
    source = models.CharField(max_length=30, choices=Source.choices, default=Source.MANUAL)
    focus_areas = models.ManyToManyField(FocusArea, blank=True, related_name="kpis")

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "name"]
        constraints = [models.UniqueConstraint(fields=["plan", "name"], name="kpi_name_unique_per_plan")]

    def __str__(self):
        return self.name

    @property
    def is_computed(self) -> bool:
        return self.source != self.Source.MANUAL


class KpiValue(models.Model):
    """A KPI's value for one period, kept as the period's first day: a month, a quarter, a term
    (1 September, 1 January, 1 April), an academic year (1 September), a workshop's date. The KPI's
    frequency names it ("2025/26 Autumn term"): improvement/periods.py."""

    tenant_path = "kpi__plan__organisation"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    period = models.DateField()
    value = models.DecimalField(max_digits=12, decimal_places=2)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["period"]
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="one_value_per_kpi_period")]


class FollowUpOutcome(models.TextChoices):
    MOVED = "moved", "Moved to the suggested provision"
    SUPPORT_CHANGED = "support_changed", "Support changed"
    NO_CHANGE = "no_change", "No change"
    OTHER = "other", "Other"


class CaseFollowUp(models.Model):
    """Later news of a reviewed case (seed 002: "feedback about choices and outcomes"): did the
    provision or support the room suggested happen?"""

    tenant_path = "review__allocation__workshop__organisation"

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="follow_ups")
    date = models.DateField()
    outcome = models.CharField(max_length=20, choices=FollowUpOutcome.choices)
    note = models.TextField(blank=True, max_length=1000, validators=[reject_identifiers])
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "-pk"]


class ScheduledFollowUp(models.Model):
    """A follow-up asked for when a case is reviewed (3, 6 or 12 months on): listed as due, and in
    the daily reminders, until a follow-up of that review is recorded on or after it was asked."""

    tenant_path = "review__allocation__workshop__organisation"

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="scheduled_follow_ups")
    due = models.DateField()
    scheduled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    scheduled_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]


class ReportingMeeting(models.Model):
    """One line of the reporting calendar (seed 003's "Reporting Milestones"): which board meets
    when, and what the plan reports to it. Monitoring updates are attached to one."""

    tenant_path = "plan__organisation"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings")
    board = models.CharField(max_length=200, validators=[reject_identifiers], help_text="e.g. SEND Partnership Board.")
    date = models.DateField()
    reported = models.TextField(
        "What is reported",
        blank=True,
        max_length=2000,
        validators=[reject_identifiers],
        help_text="e.g. WSOA monitoring and evaluation; KPI dashboard.",
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["date", "board", "pk"]

    def __str__(self):
        return f"{self.board}, {self.date:%-d %B %Y}"


class MonitoringUpdate(models.Model):
    """A dated update for the board, frozen when the lead makes it: ``content`` holds everything it
    shows (plan, RAG by workstream, actions, risks, KPIs, progress, next steps), so later edits
    to the plan never change it. The print page and the Word document both read ``content``."""

    tenant_path = "plan__organisation"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="updates")
    title = models.CharField(max_length=200, validators=[reject_identifiers])
    as_of = models.DateField()
    highlights = models.TextField(
        blank=True, max_length=4000, validators=[reject_identifiers], help_text="One highlight per line."
    )
    content = models.JSONField()
    frozen_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    frozen_at = models.DateTimeField(default=timezone.now)
    meeting = models.ForeignKey(
        ReportingMeeting, null=True, blank=True, on_delete=models.SET_NULL, related_name="updates"
    )
    # The sign-off, recorded on the frozen update (the only thing that may be added to it later).
    signed_off_by = models.CharField(
        max_length=200, blank=True, validators=[reject_identifiers], help_text="e.g. Chair, SEND Partnership Board."
    )
    signed_off_on = models.DateField(null=True, blank=True)
    sign_off_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sign_off_recorded_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-as_of", "-frozen_at"]

    def __str__(self):
        return self.title

    def highlight_lines(self) -> list[str]:
        return [line.strip(" -•\t") for line in self.highlights.splitlines() if line.strip(" -•\t")]


class UpdateActionRating(models.Model):
    """Every action's rating at one monitoring update: the next update shows previous → current
    with the direction of travel, and the feed's plan-updates table counts them by workstream."""

    tenant_path = "update__plan__organisation"

    update = models.ForeignKey(MonitoringUpdate, on_delete=models.CASCADE, related_name="action_ratings")
    # Kept (as none) when the action is deleted later: the update is frozen.
    action = models.ForeignKey(Action, null=True, on_delete=models.SET_NULL, related_name="+")
    # Copies of the guarded action's text at the update, guarded again.
    workstream = models.CharField(max_length=120, validators=[reject_identifiers])
    ref = models.CharField(max_length=20, blank=True, validators=[reject_identifiers])
    title = models.CharField(max_length=300, validators=[reject_identifiers])
    status = models.CharField(max_length=20, choices=ActionStatus.choices)
    rating = models.CharField(max_length=10, choices=Rating.choices, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
