"""Writes of the improvement plan that span models: actions with their history, recommendation
decisions, KPI values (entered or imported), follow-ups and frozen monitoring updates."""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from analytics.models import SettingsDataset
from casereview.identifiers import reject_identifiers
from casereview.models import VocabularyTerm
from casereview.uploads import ImportRejected, RowProblem, cell_problems, read_upload_or_reject
from improvement.models import (
    Action,
    ActionChange,
    ActionStatus,
    CaseFollowUp,
    FocusArea,
    Kpi,
    KpiValue,
    MonitoringUpdate,
    NextStep,
    Plan,
    ProgressNote,
    Rag,
    Recommendation,
    Risk,
    RiskChange,
)
from workshops.models import CaseReview, ProcessFinding


@dataclass
class ActionData:
    """What the lead says about an action, before it is stored."""

    title: str
    owner: str
    due: datetime.date
    status: str = ActionStatus.NOT_STARTED
    rag: str = Rag.GREEN
    issue: str = ""
    mitigation: str = ""
    themes: list[VocabularyTerm] = field(default_factory=list)
    findings: list[ProcessFinding] = field(default_factory=list)
    funnel_finding: str = ""
    funnel_dataset: SettingsDataset | None = None

    def problems(self, organisation_id: int | None = None) -> dict[str, str]:
        """What is missing or wrong, by field name; empty when the action can be stored."""
        problems = {}
        if self.funnel_dataset is not None and self.funnel_dataset.organisation_id != organisation_id:
            problems["funnel_dataset"] = "Choose one of your LA's Compare settings datasets."
        if not self.title.strip():
            problems["title"] = "Say what the action is."
        if not self.owner.strip():
            problems["owner"] = "Name who owns it: a staff role or a member of staff."
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
        for name in ("title", "owner", "issue", "mitigation", "funnel_finding"):
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


def action_summary(action_or_data) -> dict[str, str]:
    """An action in words, field by field: for its history and for showing a conflict."""
    a = action_or_data
    themes = a.themes if isinstance(a, ActionData) else list(a.themes.all())
    findings = a.findings if isinstance(a, ActionData) else list(a.findings.all())
    return {
        "Action": a.title,
        "Owner": a.owner,
        "Due": a.due.isoformat() if a.due else "—",
        "Status": ActionStatus(a.status).label,
        "RAG": Rag(a.rag).label,
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
    problems = data.problems(focus_area.workstream.plan.organisation_id)
    if data.themes and any(t.organisation_id != focus_area.workstream.plan.organisation_id for t in data.themes):
        problems["themes"] = "Choose themes of your LA."
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
            "title",
            "owner",
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
    if kpi.is_computed:
        raise ValidationError("The product computes this KPI's values; they cannot be entered.")
    row, _ = KpiValue.objects.update_or_create(
        kpi=kpi, period=period, defaults={"value": value, "entered_by": by, "entered_at": timezone.now()}
    )
    return row


KPI_IMPORT_COLUMNS = ["kpi", "period", "value"]


def parse_period(text: str) -> datetime.date:
    """A period as people write it: 2026-05, 2026-05-01, 05/2026, 01/05/2026 (UK), May 2026."""
    text = text.strip()
    for pattern in ("%Y-%m", "%Y-%m-%d", "%m/%Y", "%d/%m/%Y", "%b %Y", "%B %Y"):
        try:
            day = datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
        return day.replace(day=1) if pattern in ("%Y-%m", "%m/%Y", "%b %Y", "%B %Y") else day
    raise ValueError(f"period “{text}” is not a month or date: write it as 2026-05 (a month) or 2026-05-01.")


def parse_value(text: str) -> Decimal:
    cleaned = text.strip().replace(",", "").removesuffix("%").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"value “{text}” is not a number (write 42 or 37.5, without words).") from None
    if not value.is_finite() or abs(value) >= Decimal("1e10"):
        raise ValueError(f"value “{text}” is not a number this KPI can hold.")
    return value.quantize(Decimal("0.01"))


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
            period = parse_period(row.get("period"))
        except ValueError as error:
            messages.append(str(error).capitalize())
            period = None
        try:
            value = parse_value(row.get("value"))
        except ValueError as error:
            messages.append(str(error).capitalize())
            value = None
        if kpi is not None and period is not None:
            key = (kpi.pk, period)
            if key in seen:
                messages.append(f"the same KPI and period as line {seen[key]}; keep one of them.".capitalize())
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


def update_freeze(*, plan: Plan, title: str, as_of: datetime.date, highlights: str, by) -> MonitoringUpdate:
    """Freeze the plan as it stands into a dated update: a copy of everything it shows, so later
    edits to actions, risks or KPIs never change it."""
    from improvement.selectors import plan_content  # reads only; kept out of import time to avoid a cycle

    update = MonitoringUpdate(
        plan=plan, title=title.strip(), as_of=as_of, highlights=highlights.strip(), frozen_by=by, content={}
    )
    update.content = plan_content(plan, today=as_of, highlights=update.highlight_lines())
    update.full_clean()
    update.save()
    return update
