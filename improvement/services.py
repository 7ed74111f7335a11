"""Writes of the improvement plan that span models: actions with their history, recommendation
decisions, KPI values (entered or imported), follow-ups and frozen monitoring updates."""

import datetime
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from analytics.models import SettingsDataset
from casereview.identifiers import reject_identifiers
from casereview.models import Membership, User, VocabularyTerm
from casereview.uploads import ImportRejected, RowProblem, cell_problems, read_upload_or_reject
from improvement import periods
from improvement.models import (
    Action,
    ActionChange,
    ActionStatus,
    CaseFollowUp,
    EvidenceLink,
    FocusArea,
    Kpi,
    KpiValue,
    MonitoringUpdate,
    NextStep,
    Plan,
    ProgressNote,
    Rag,
    Rating,
    Recommendation,
    Risk,
    RiskChange,
)
from workshops.models import CaseReview, ProcessFinding


@dataclass
class ActionData:
    """What the lead says about an action, before it is stored. ``owner`` is a role or a name in
    words, ``owner_member`` a member of the LA: at least one of them. ``rag`` is blank until someone
    judges it ("Not yet rated"), never Green by default."""

    title: str
    owner: str
    due: datetime.date
    status: str = ActionStatus.NOT_STARTED
    rag: str = ""
    issue: str = ""
    mitigation: str = ""
    themes: list[VocabularyTerm] = field(default_factory=list)
    findings: list[ProcessFinding] = field(default_factory=list)
    funnel_finding: str = ""
    funnel_dataset: SettingsDataset | None = None
    ref: str = ""
    owner_member: User | None = None

    def problems(self, organisation_id: int | None = None) -> dict[str, str]:
        """What is missing or wrong, by field name; empty when the action can be stored."""
        problems = {}
        if self.funnel_dataset is not None and self.funnel_dataset.organisation_id != organisation_id:
            problems["funnel_dataset"] = "Choose one of your LA's Compare settings datasets."
        if not self.title.strip():
            problems["title"] = "Say what the action is."
        if not self.owner.strip() and self.owner_member is None:
            problems["owner"] = (
                "Say who owns it: choose a member of your LA as the owner, or write a staff role (e.g. Head of SEND)."
            )
        if self.rag not in ("", *Rag.values):
            problems["rag"] = "Choose Not yet rated, red, amber or green."
        # Seed 003: every amber or red line says what the issue is and what is done about it.
        if self.rag in (Rag.AMBER, Rag.RED):
            if not self.issue.strip():
                problems["issue"] = (
                    f"Say what the issue is: an action rated {Rag(self.rag).label.lower()} needs its reason."
                )
            if not self.mitigation.strip():
                problems["mitigation"] = (
                    f"Say what is being done about it: an action rated {Rag(self.rag).label.lower()} "
                    "needs a mitigation."
                )
        for name in ("ref", "title", "owner", "issue", "mitigation", "funnel_finding"):
            try:
                reject_identifiers(getattr(self, name))
            except ValidationError as error:
                problems.setdefault(name, error.messages[0])
        return problems


class ActionConflict(Exception):
    """Someone else saved this action since the form was opened."""

    def __init__(self, current: Action):
        super().__init__(f"Action {current.pk} is at version {current.version}.")
        self.current = current


def member_in_words(user) -> str:
    """A member named in words for the history: their name and email (or the email alone)."""
    if user is None:
        return "—"
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


def action_summary(action_or_data) -> dict[str, str]:
    """An action in words, field by field: for its history and for showing a conflict."""
    a = action_or_data
    themes = a.themes if isinstance(a, ActionData) else list(a.themes.all())
    findings = a.findings if isinstance(a, ActionData) else list(a.findings.all())
    return {
        "Reference": a.ref or "—",
        "Action": a.title,
        "Owner": a.owner or "—",
        "Owner (a member)": member_in_words(a.owner_member),
        "Due": a.due.isoformat() if a.due else "—",
        "Status": ActionStatus(a.status).label,
        "RAG": Rag(a.rag).label if a.rag else Rating.NOT_RATED.label,
        "Issue": a.issue or "—",
        "Mitigation": a.mitigation or "—",
        "Themes": "; ".join(sorted(t.label for t in themes)) or "—",
        "Process map findings": "; ".join(sorted(f.text for f in findings)) or "—",
        "Compare settings finding": a.funnel_finding or "—",
        "Compare settings dataset": a.funnel_dataset.name if a.funnel_dataset else "—",
    }


def action_save(*, focus_area: FocusArea, action: Action | None, data: ActionData, by, expected_version: int) -> Action:
    """Store an action and one history row, or raise ActionConflict if it moved on meanwhile.

    ``expected_version`` is the version the person was looking at (0 for a new action). The row is
    locked, so two saves of the same version cannot both pass the check."""
    organisation_id = focus_area.workstream.plan.organisation_id
    problems = data.problems(organisation_id)
    if data.themes and any(t.organisation_id != organisation_id for t in data.themes):
        problems["themes"] = "Choose themes of your LA."
    keeping = action is not None and data.owner_member is not None and action.owner_member_id == data.owner_member.pk
    if data.owner_member is not None and not keeping and not _is_member(data.owner_member, organisation_id):
        problems["owner_member"] = "Choose a member of your LA as the owner."
    if problems:
        raise ValidationError(problems)
    with transaction.atomic():
        if action is not None:
            action = Action.objects.select_for_update().get(pk=action.pk)
            if action.version != expected_version:
                raise ActionConflict(action)
            before = action_summary(action)
        else:
            if expected_version != 0:
                raise ValidationError("This action no longer exists.")
            action = Action(focus_area=focus_area, version=0)
            before = {}
        for name in (
            "ref",
            "title",
            "owner",
            "owner_member",
            "due",
            "status",
            "rag",
            "issue",
            "mitigation",
            "funnel_finding",
            "funnel_dataset",
        ):
            value = getattr(data, name)
            setattr(action, name, value.strip() if isinstance(value, str) else value)
        action.focus_area = focus_area
        action.version += 1
        action.full_clean(exclude=["themes", "findings"])
        action.save()
        action.themes.set(data.themes)
        action.findings.set(data.findings)
        after = action_summary(action)
        changes = {label: [before.get(label), value] for label, value in after.items() if before.get(label) != value}
        ActionChange.objects.create(
            action=action, version=action.version, changed_by=by, rag=action.rag, changes=changes
        )
    return action


def _is_member(user, organisation_id: int) -> bool:
    """An active account with a membership of the LA (an account belongs to one LA only)."""
    return user.is_active and Membership.objects.filter(user=user, organisation_id=organisation_id).exists()


def progress_note_add(*, action: Action, date: datetime.date, text: str, by) -> ProgressNote:
    note = ProgressNote(action=action, date=date, text=text.strip(), added_by=by)
    note.full_clean()
    note.save()
    return note


def next_step_add(*, action: Action, text: str) -> NextStep:
    step = NextStep(action=action, text=text.strip(), position=action.next_steps.count())
    step.full_clean()
    step.save()
    return step


def next_step_toggle(*, step: NextStep) -> NextStep:
    step.done = not step.done
    step.save(update_fields=["done"])
    return step


@transaction.atomic
def recommendation_decide(
    *,
    recommendation: Recommendation,
    decision: str,
    reason: str = "",
    focus_area: FocusArea | None = None,
    owner: str = "",
    due: datetime.date | None = None,
    by=None,
) -> Recommendation:
    """Accept a recommendation into a new action of ``focus_area`` (citing its theme), or defer or
    decline it with a reason. A decision is taken once; accepting again adds nothing."""
    if recommendation.decision != Recommendation.Decision.OPEN and recommendation.decision == decision:
        return recommendation
    problems = {}
    if decision == Recommendation.Decision.ACCEPTED:
        if focus_area is None or focus_area.workstream.plan_id != recommendation.plan_id:
            problems["focus_area"] = "Choose the focus area of this plan that the new action belongs to."
        if not owner.strip():
            problems["owner"] = "Name who owns the new action."
        if due is None:
            problems["due"] = "Give the new action a due date."
    elif decision in (Recommendation.Decision.DEFERRED, Recommendation.Decision.DECLINED):
        if not reason.strip():
            problems["reason"] = f"Say why it is {Recommendation.Decision(decision).label.lower()}."
    else:
        problems["decision"] = "Choose accept, defer or decline."
    try:
        reject_identifiers(reason)
    except ValidationError as error:
        problems.setdefault("reason", error.messages[0])
    if problems:
        raise ValidationError(problems)
    recommendation.decision, recommendation.reason, recommendation.decided_at = decision, reason.strip(), timezone.now()
    recommendation.save()
    if decision == Recommendation.Decision.ACCEPTED:
        action = action_save(
            focus_area=focus_area,
            action=None,
            by=by,
            expected_version=0,
            data=ActionData(
                title=f"Recommendation {recommendation.ref}: {recommendation.text}"[:300],
                owner=owner,
                due=due,
                themes=[recommendation.theme],
            ),
        )
        recommendation.actions.add(action)
    return recommendation


class RiskConflict(Exception):
    """Someone else saved this risk since the form was opened."""

    def __init__(self, current: Risk):
        super().__init__(f"Risk {current.pk} is at version {current.version}.")
        self.current = current


RISK_FIELDS = {
    "title": "Risk or issue",
    "detail": "Detail",
    "rag": "RAG",
    "impact": "Impact",
    "mitigation": "Mitigation",
    "owner": "Owner",
    "review_date": "Review date",
    "closed": "Closed",
}


def risk_summary(risk: Risk) -> dict[str, str]:
    values = {name: getattr(risk, name) for name in RISK_FIELDS}
    values["rag"] = Rag(risk.rag).label if risk.rag else "—"
    values["closed"] = "Yes" if risk.closed else "No"
    values["review_date"] = risk.review_date.isoformat() if risk.review_date else "—"
    return {
        label: (str(values[name]) if values[name] not in ("", None) else "—") for name, label in RISK_FIELDS.items()
    }


def risk_save(*, plan: Plan, risk: Risk | None, values: dict, by, expected_version: int) -> Risk:
    """Store a risk and one history row (a RAG change is history, as on actions), or raise
    RiskConflict if it was saved meanwhile. ``values`` holds the register's fields."""
    with transaction.atomic():
        if risk is not None:
            risk = Risk.objects.select_for_update().get(pk=risk.pk, plan=plan)
            if risk.version != expected_version:
                raise RiskConflict(risk)
            before = risk_summary(risk)
        else:
            risk, before = Risk(plan=plan, version=0), {}
        for name in RISK_FIELDS:
            value = values[name]
            setattr(risk, name, value.strip() if isinstance(value, str) else value)
        risk.version += 1
        risk.full_clean()
        risk.save()
        after = risk_summary(risk)
        changes = {label: [before.get(label), value] for label, value in after.items() if before.get(label) != value}
        RiskChange.objects.create(risk=risk, version=risk.version, changed_by=by, rag=risk.rag, changes=changes)
    return risk


def kpi_value_set(*, kpi: Kpi, period: datetime.date, value: Decimal, by) -> KpiValue:
    """Store a KPI's value for a period, given as its first day (``parse_period`` gives it); a day
    that starts no period of the KPI's frequency is refused, so one period never holds two values."""
    if kpi.is_computed:
        raise ValidationError("The product computes this KPI's values; they cannot be entered.")
    if periods.period_start(kpi.frequency, period) != period:
        start = periods.period_start(kpi.frequency, period)
        raise ValidationError(
            f"{period.isoformat()} does not start a period of this {kpi.get_frequency_display().lower()} KPI: "
            f"{periods.period_label(kpi.frequency, start)} starts on {start.isoformat()}."
        )
    row, _ = KpiValue.objects.update_or_create(
        kpi=kpi, period=period, defaults={"value": value, "entered_by": by, "entered_at": timezone.now()}
    )
    return row


KPI_IMPORT_COLUMNS = ["kpi", "period", "value"]

# What a period of each frequency is called, and how one is written (improvement/periods.py).
PERIOD_NOUNS = {
    "monthly": "month",
    "quarterly": "quarter",
    "termly": "term",
    "annual": "academic year",
    "per_workshop": "date",
    "ad_hoc": "date",
}
PERIOD_EXAMPLES = {
    "monthly": "2026-05",
    "quarterly": "2026/27 Q1",
    "termly": "2025/26 Autumn term",
    "annual": "2025/26",
    "per_workshop": "2026-05-20",
    "ad_hoc": "2026-05-20",
}


def period_example(frequency: str) -> str:
    return PERIOD_EXAMPLES.get(frequency, PERIOD_EXAMPLES["ad_hoc"])


def _how_to_write(frequency: str) -> str:
    noun = PERIOD_NOUNS.get(frequency, "date")
    if noun == "date":
        return f"write the date, e.g. {period_example(frequency)}"
    return f"write the {noun}, e.g. {period_example(frequency)}, or a date in it (2026-05-20)"


def _named_frequency(text: str) -> str | None:
    """Which frequency's own name for a period ``text`` is written as ("2025/26 Autumn term" is a
    term), or None for a date or a month, which every frequency reads."""
    if periods._plain_date(text) is not None:
        return None
    folded = text.casefold()
    if re.search(r"\bq[1-4]$", folded):
        return "quarterly"
    if re.search(r"autumn|spring|summer", folded):
        return "termly"
    return "annual"


def parse_period(text: str, frequency: str = "monthly") -> datetime.date:
    """The first day of the period ``text`` names for a KPI of ``frequency`` (improvement.periods):
    its own name ("2025/26 Autumn term" for a termly KPI), a month, or a date in it. A period named
    as another frequency names it ("2026/27 Q1" for a termly KPI) is refused, never moved: a
    ValueError with a sentence a person understands."""
    text = " ".join(str(text).split())
    try:
        start = periods.parse_period(text, frequency)
    except ValueError as error:
        if "is not a period" not in str(error):
            raise  # a sentence about what was written (a year that does not run into the next)
        noun = PERIOD_NOUNS.get(frequency, "date")
        raise ValueError(f"period “{text}” is not a {noun}: {_how_to_write(frequency)}.") from None
    named = _named_frequency(text)
    if named is not None and named != frequency:
        noun = PERIOD_NOUNS.get(frequency, "date")
        raise ValueError(
            f"period “{text}” is {'an' if named == 'annual' else 'a'} {PERIOD_NOUNS[named]}, but this KPI is "
            f"reported by {noun}: {_how_to_write(frequency)}."
        )
    return start


def parse_value(text: str) -> Decimal:
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"value “{text}” is not a number (write 42 or 37.5, without words).") from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise ValueError(f"value “{text}” is not a number this KPI can hold.")
    return value.quantize(Decimal("0.01"))


def _sentence(message: str) -> str:
    """A message as a sentence: its first letter capital, the rest (a KPI's name, "2025/26 Autumn term") as written."""
    return message[:1].upper() + message[1:]


def kpi_import(*, plan: Plan, filename: str, data: bytes, by) -> int:
    """Values of the plan's KPIs from a CSV or XLSX file (kpi, period, value): all or nothing, every
    bad row listed with its line number. Returns how many values were stored."""
    rows = read_upload_or_reject(filename, data, required=KPI_IMPORT_COLUMNS, optional=[])
    kpis = {kpi.name.casefold(): kpi for kpi in plan.kpis.all()}
    problems, values, seen = [], [], {}
    for row in rows:
        kpi = kpis.get(row.get("kpi").casefold())
        # A NUL or an over-long name is said as such, not only as "not a KPI of this plan".
        messages = cell_problems(row, {"kpi": Kpi._meta.get_field("name")})
        if kpi is None:
            names = ", ".join(sorted(k.name for k in kpis.values() if not k.is_computed)) or "none yet"
            messages.append(f"“{row.get('kpi')}” is not a KPI of this plan (its KPIs: {names}).")
        elif kpi.is_computed:
            messages.append(f"“{kpi.name}” is computed by casereview; its values cannot be imported.")
        try:
            # Each row's period is read as its KPI names its periods; an unknown KPI's as a month.
            period = parse_period(row.get("period"), kpi.frequency if kpi is not None else "monthly")
        except ValueError as error:
            messages.append(_sentence(str(error)))
            period = None
        try:
            value = parse_value(row.get("value"))
        except ValueError as error:
            messages.append(_sentence(str(error)))
            value = None
        if kpi is not None and period is not None:
            key = (kpi.pk, period)
            if key in seen:
                messages.append(f"The same KPI and period as line {seen[key]}; keep one of them.")
            seen.setdefault(key, row.line)
        if messages:
            problems.append(RowProblem(row.line, " ".join(messages)))
        else:
            values.append((kpi, period, value))
    if problems:
        raise ImportRejected(problems)
    with transaction.atomic():
        for kpi, period, value in values:
            kpi_value_set(kpi=kpi, period=period, value=value, by=by)
    return len(values)


def follow_up_add(*, review: CaseReview, date: datetime.date, outcome: str, note: str, by) -> CaseFollowUp:
    if date < review.reviewed_at.date():
        raise ValidationError(
            {"date": "A follow-up comes after the review: give a date on or after the day the case was reviewed."}
        )
    follow_up = CaseFollowUp(review=review, date=date, outcome=outcome, note=note.strip(), recorded_by=by)
    follow_up.full_clean()
    follow_up.save()
    return follow_up


def update_freeze(
    *, plan: Plan, title: str, as_of: datetime.date, highlights: str, by, meeting=None
) -> MonitoringUpdate:
    """Freeze the plan as it stands into a dated update: a copy of everything it shows, so later
    edits to actions, risks or KPIs never change it; and every action's rating at it
    (``UpdateActionRating``), in the same transaction. ``meeting``: the reporting-calendar meeting
    it is for (one of the plan's)."""
    # reads only; kept out of import time to avoid a cycle
    from improvement.board_paper import previous_update
    from improvement.models import UpdateActionRating
    from improvement.paragraphs import lines
    from improvement.selectors import plan_content

    if meeting is not None and meeting.plan_id != plan.pk:
        raise ValidationError({"meeting": "Choose a meeting of this plan's reporting calendar."})
    update = MonitoringUpdate(
        plan=plan,
        title=title.strip(),
        as_of=as_of,
        highlights=highlights.strip(),
        frozen_by=by,
        frozen_at=timezone.now(),
        meeting=meeting,
        content={},
    )
    previous = previous_update(plan, as_of, update.frozen_at)
    update.content = plan_content(plan, today=as_of, highlights=lines(update.highlights), previous=previous)
    update.full_clean()
    ratings = [
        UpdateActionRating(
            workstream=workstream["name"],
            ref=action["ref"],
            title=action["title"],
            status=next(s for s in ActionStatus if s.label == action["status"]).value,
            rating=action["rating"],
            action_id=action["id"],
        )
        for workstream in update.content["workstreams"]
        for area in workstream["focus_areas"]
        for action in area["actions"]
    ]
    with transaction.atomic():
        update.save()
        for rating in ratings:
            rating.update = update
            rating.full_clean(exclude=["update", "action"])
        UpdateActionRating.objects.bulk_create(ratings)
    return update


# --- evidence links of an action ------------------------------------------------------------

EVIDENCE_LINKS_PER_ACTION = 10


def evidence_link_add(*, action: Action, url: str, label: str = "", by) -> EvidenceLink:
    """Add a link (http or https, guarded) to an action's evidence; at most 10 an action."""
    url, label = url.strip(), label.strip()
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise ValidationError({"url": "Give a web address starting with https:// (or http://)."})
    with transaction.atomic():
        # The action's row is locked so that two adds at once cannot both pass the limit.
        Action.objects.select_for_update().get(pk=action.pk)
        if EvidenceLink.objects.filter(action=action).count() >= EVIDENCE_LINKS_PER_ACTION:
            raise ValidationError(
                f"An action keeps at most {EVIDENCE_LINKS_PER_ACTION} evidence links: remove one before adding another."
            )
        link = EvidenceLink(action=action, url=url, label=label, added_by=by)
        link.full_clean()
        link.save()
    return link


def evidence_link_delete(*, link: EvidenceLink) -> None:
    link.delete()
