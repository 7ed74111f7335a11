"""The improvement plan's pages. The lead edits; facilitators and viewers read. Every object is
reached through the tenancy helper, so another LA's plan answers 404."""

import io

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from analytics.scopes import Scope
from analytics.sealing import scope_as_seen_by
from casereview.exports import Table, file_response, table_response
from casereview.forms import add_service_errors
from casereview.models import Role, VocabularyTerm
from casereview.tenancy import get_for_member_or_404, member_required
from casereview.uploads import ImportRejected
from casereview.vocabularies import VocabularyKind
from improvement import follow_ups, selectors, services
from improvement.charts import kpi_chart, kpi_table
from improvement.forms import (
    ActionForm,
    DecisionForm,
    EvidenceLinkForm,
    FocusAreaForm,
    FollowUpForm,
    KpiForm,
    KpiImportForm,
    KpiValueForm,
    NextStepForm,
    PlanForm,
    ProgressNoteForm,
    RecommendationForm,
    RiskForm,
    UpdateForm,
    WorkstreamForm,
)
from improvement.models import (
    Action,
    FocusArea,
    Kpi,
    MonitoringUpdate,
    NextStep,
    Plan,
    Recommendation,
    Risk,
    Workstream,
)
from improvement.periods import period_label
from improvement.refs import next_whole_ref
from workshops.models import CaseReview

FORM = "improvement/form.html"


def _form_page(request, form, *, title, back, button="Save", intro="", multipart=False, extra=None):
    back_label, url_name, args = back
    return render(
        request,
        FORM,
        {
            "form": form,
            "title": title,
            "back_label": back_label,
            "back_url": reverse(url_name, args=args),
            "button": button,
            "intro": intro,
            "multipart": multipart,
            **(extra or {}),
        },
    )


# --- plans ------------------------------------------------------------------------------------


@member_required()
def plan_list(request):
    organisation = request.membership.organisation
    return render(
        request,
        "improvement/plan_list.html",
        {
            "plans": selectors.plans_for(request.user),
            "can_edit": request.membership.is_lead,
            "gaps": selectors.themes_without_action(organisation),
        },
    )


@member_required(Role.LEAD)
def plan_create(request):
    form = PlanForm(request.POST or None, organisation=request.membership.organisation)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = request.membership.organisation
        plan = form.save()
        messages.success(request, f"Created “{plan.title}”. Add its workstreams next.")
        return redirect("plan_detail", pk=plan.pk)
    return _form_page(request, form, title="New improvement plan", back=("Improvement plans", "plan_list", []))


@member_required(Role.LEAD)
def plan_edit(request, pk):
    plan = get_for_member_or_404(request.user, Plan, pk=pk)
    form = PlanForm(request.POST or None, instance=plan, organisation=request.membership.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved the plan.")
        return redirect("plan_detail", pk=plan.pk)
    return _form_page(request, form, title=f"Edit {plan.title}", back=(plan.title, "plan_detail", [plan.pk]))


def _report_figures(request) -> selectors.ReportFigures:
    """The LA's figures as this person may read them: a facilitator's leave out the reviews that
    are sealed until every room has answered (analytics/sealing.py)."""
    scope = scope_as_seen_by(request.membership, Scope()).scope
    return selectors.report_figures(request.membership.organisation, scope.key)


@member_required()
def plan_detail(request, pk):
    plan = get_for_member_or_404(request.user, Plan, pk=pk)
    report = _report_figures(request)
    shares = selectors.theme_shares(plan.organisation, report.figures)
    overview = selectors.plan_overview(plan)
    rag_by_name = {w["name"]: w for w in overview["workstreams"]}
    workstreams = [(w, rag_by_name[w.name]) for w in selectors.plan_tree(plan)]
    return render(
        request,
        "improvement/plan_detail.html",
        {
            "plan": plan,
            "workstreams": workstreams,
            "overview": overview,
            "shares": shares,
            "report": report,
            "risks": plan.risks.filter(closed=False),
            "updates": plan.updates.all()[:5],
            "can_edit": request.membership.is_lead,
            "gaps": selectors.themes_without_action(plan.organisation, [plan]),
        },
    )


@member_required(Role.LEAD)
def workstream_edit(request, plan_pk, pk=None):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    workstream = get_object_or_404(Workstream, pk=pk, plan=plan) if pk else None
    form = WorkstreamForm(
        request.POST or None,
        instance=workstream,
        plan=plan,
        initial={"position": plan.workstreams.count() + 1} if workstream is None else None,
    )
    if request.method == "POST" and form.is_valid():
        form.instance.plan = plan
        form.save()
        messages.success(request, f"Saved the workstream {form.instance.name}.")
        return redirect("plan_detail", pk=plan.pk)
    return _form_page(request, form, title="Workstream", back=(plan.title, "plan_detail", [plan.pk]))


@member_required(Role.LEAD)
def focus_area_edit(request, workstream_pk, pk=None):
    workstream = get_for_member_or_404(request.user, Workstream, pk=workstream_pk)
    area = get_object_or_404(FocusArea, pk=pk, workstream=workstream) if pk else None
    refs = FocusArea.objects.filter(workstream__plan=workstream.plan).values_list("ref", flat=True)
    form = FocusAreaForm(
        request.POST or None,
        instance=area,
        organisation=request.membership.organisation,
        initial={"ref": next_whole_ref(refs)} if area is None else None,
    )
    if request.method == "POST" and form.is_valid():
        form.instance.workstream = workstream
        area = form.save()
        messages.success(request, f"Saved focus area {area.ref}.")
        return redirect("plan_detail", pk=workstream.plan_id)
    return _form_page(
        request,
        form,
        title=f"Focus area of {workstream.name}",
        back=(workstream.plan.title, "plan_detail", [workstream.plan_id]),
    )


# --- actions ----------------------------------------------------------------------------------


def _action_data(form) -> services.ActionData:
    data = form.cleaned_data
    return services.ActionData(
        ref=data.get("ref") or "",
        title=data["title"],
        owner=data.get("owner") or "",
        owner_member=data.get("owner_member"),
        due=data["due"],
        status=data["status"],
        rag=data["rag"],
        issue=data.get("issue") or "",
        mitigation=data.get("mitigation") or "",
        themes=list(data.get("themes") or []),
        findings=list(data.get("findings") or []),
        funnel_finding=data.get("funnel_finding") or "",
        funnel_dataset=data.get("funnel_dataset"),
    )


def _save_action(request, form, action):
    """Saves through the service; returns the action, or None with the problems on the form."""
    try:
        return services.action_save(
            focus_area=form.cleaned_data["focus_area"],
            action=action,
            data=_action_data(form),
            by=request.user,
            expected_version=form.cleaned_data["version"],
        )
    except services.ActionConflict as conflict:
        form.conflict = services.action_summary(conflict.current)
        _conflict_on_form(form, "action", conflict.current)
    except ValidationError as error:
        add_service_errors(form, error)
    return None


def _conflict_on_form(form, what: str, current) -> None:
    """Someone else saved the ``what`` first (their version is shown beside the form): say so, and
    base the next save on their version, which the person has now seen."""
    form.add_error(
        None,
        f"Someone else saved this {what} while you were editing it. Their version is shown below: "
        "check it, then save again to keep yours.",
    )
    form.data = form.data.copy()
    form.data["version"] = current.version


@member_required(Role.LEAD)
def action_create(request):
    """A new action; ``?theme=CODE`` (from a dashboard theme) cites that theme, ``?focus_area=ID`` places it."""
    organisation = request.membership.organisation
    initial = {"focus_area": request.GET.get("focus_area")}
    theme = None
    if code := request.GET.get("theme"):
        theme = get_for_member_or_404(request.user, VocabularyTerm, kind=VocabularyKind.THEME, code=code)
        initial["themes"] = [theme.pk]
    form = ActionForm(request.POST or None, organisation=organisation, initial=initial)
    if not form.fields["focus_area"].queryset.exists():
        messages.info(
            request, "Add a plan with a workstream and a focus area first: every action belongs to a focus area."
        )
        return redirect("plan_list")
    if request.method == "POST" and form.is_valid() and (action := _save_action(request, form, None)):
        messages.success(request, f"Added the action “{action.title}”.")
        return redirect("action_detail", pk=action.pk)
    intro = f"This action will cite the theme “{theme.label}”." if theme else ""
    return _form_page(request, form, title="New action", back=("Improvement plans", "plan_list", []), intro=intro)


@member_required(Role.LEAD)
def action_edit(request, pk):
    action = get_for_member_or_404(request.user, Action, pk=pk)
    form = ActionForm(request.POST or None, instance=action, organisation=request.membership.organisation)
    if request.method == "POST" and form.is_valid() and _save_action(request, form, action):
        messages.success(request, "Saved the action.")
        return redirect("action_detail", pk=action.pk)
    return _form_page(
        request,
        form,
        title=f"Edit: {action.title}",
        back=(action.title, "action_detail", [action.pk]),
        extra={"conflict": getattr(form, "conflict", None)},
    )


@member_required()
def action_detail(request, pk):
    action = get_for_member_or_404(
        request.user,
        Action.objects.select_related("focus_area__workstream__plan", "owner_member").prefetch_related(
            "themes", "findings"
        ),
        pk=pk,
    )
    shares = selectors.theme_shares(request.membership.organisation, _report_figures(request).figures)
    themes = [(theme, shares.get(theme.code)) for theme in action.themes.all()]
    return render(
        request,
        "improvement/action_detail.html",
        {
            "action": action,
            "plan": action.focus_area.workstream.plan,
            "themes": themes,
            "can_edit": request.membership.is_lead,
            "changes": action.changes.select_related("changed_by"),
            "note_form": ProgressNoteForm(),
            "step_form": NextStepForm(),
            "evidence_links": action.evidence_links.all(),
            "link_form": EvidenceLinkForm(),
            "links_left": services.EVIDENCE_LINKS_PER_ACTION - action.evidence_links.count(),
        },
    )


def _history_table(action) -> Table:
    rows = []
    for change in action.changes.select_related("changed_by").order_by("version"):
        for label, (before, after) in change.changes.items():
            rows.append(
                [
                    change.version,
                    change.changed_at.strftime("%Y-%m-%d %H:%M"),
                    str(change.changed_by) if change.changed_by else "—",
                    label,
                    before or "",
                    after or "",
                ]
            )
    return Table(
        "action-history", f"History of “{action.title}”", ["Version", "When", "Who", "What", "Before", "After"], rows
    )


@member_required()
def action_history_download(request, pk, file_format):
    action = get_for_member_or_404(request.user, Action, pk=pk)
    return table_response(_history_table(action), file_format, f"action-{action.pk}-history")


@require_POST
@member_required(Role.LEAD)
def progress_note_add(request, action_pk):
    action = get_for_member_or_404(request.user, Action, pk=action_pk)
    form = ProgressNoteForm(request.POST)
    if form.is_valid():
        services.progress_note_add(
            action=action, date=form.cleaned_data["date"], text=form.cleaned_data["text"], by=request.user
        )
        messages.success(request, "Added the progress note.")
    else:
        messages.error(
            request,
            "The progress note was not added: " + " ".join(e for errors in form.errors.values() for e in errors),
        )
    return redirect("action_detail", pk=action.pk)


@require_POST
@member_required(Role.LEAD)
def next_step_add(request, action_pk):
    action = get_for_member_or_404(request.user, Action, pk=action_pk)
    form = NextStepForm(request.POST)
    if form.is_valid():
        services.next_step_add(action=action, text=form.cleaned_data["text"])
        messages.success(request, "Added the next step.")
    else:
        messages.error(
            request, "The next step was not added: " + " ".join(e for errors in form.errors.values() for e in errors)
        )
    return redirect("action_detail", pk=action.pk)


@require_POST
@member_required(Role.LEAD)
def next_step_toggle(request, next_step_pk):
    step = get_for_member_or_404(request.user, NextStep, pk=next_step_pk)
    services.next_step_toggle(step=step)
    return redirect("action_detail", pk=step.action_id)


# --- recommendations --------------------------------------------------------------------------


@member_required()
def recommendation_list(request, plan_pk):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    form = RecommendationForm(request.POST or None, plan=plan) if request.membership.is_lead else None
    if request.method == "POST":
        if form is None:
            raise Http404("Only the lead adds recommendations.")
        if form.is_valid():
            form.instance.plan = plan
            form.save()
            messages.success(request, f"Added recommendation {form.instance.ref}.")
            return redirect("recommendation_list", plan_pk=plan.pk)
    groups: dict = {}
    for recommendation in plan.recommendations.select_related("theme").prefetch_related("actions"):
        groups.setdefault(recommendation.theme, []).append(recommendation)
    return render(
        request,
        "improvement/recommendations.html",
        {"plan": plan, "groups": groups.items(), "form": form, "can_edit": request.membership.is_lead},
    )


@member_required(Role.LEAD)
def recommendation_decide(request, pk):
    recommendation = get_for_member_or_404(request.user, Recommendation.objects.select_related("plan", "theme"), pk=pk)
    plan = recommendation.plan
    form = DecisionForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.recommendation_decide(
                recommendation=recommendation,
                decision=data["decision"],
                reason=data["reason"],
                focus_area=data["focus_area"],
                owner=data["owner"],
                due=data["due"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Recommendation {recommendation.ref}: {recommendation.get_decision_display().lower()}."
            )
            return redirect("recommendation_list", plan_pk=plan.pk)
    return _form_page(
        request,
        form,
        title=f"Decide on recommendation {recommendation.ref}",
        intro=f"{recommendation.theme.label}: {recommendation.text}",
        back=("Recommendations", "recommendation_list", [plan.pk]),
        button="Record the decision",
    )


# --- risks ------------------------------------------------------------------------------------


@member_required()
def risk_list(request, plan_pk):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    return render(
        request,
        "improvement/risks.html",
        {"plan": plan, "risks": plan.risks.all(), "can_edit": request.membership.is_lead},
    )


@member_required(Role.LEAD)
def risk_edit(request, plan_pk, pk=None):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    risk = get_object_or_404(Risk, pk=pk, plan=plan) if pk else None
    # The form checks the fields on an unsaved copy; the service saves the risk with its history.
    form = RiskForm(request.POST or None, instance=Risk(plan=plan) if risk is None else Risk.objects.get(pk=risk.pk))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            services.risk_save(
                plan=plan,
                risk=risk,
                values=form.cleaned_data,
                by=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except services.RiskConflict as error:
            conflict = services.risk_summary(error.current)
            _conflict_on_form(form, "risk", error.current)
        else:
            messages.success(request, "Saved the risk.")
            return redirect("risk_list", plan_pk=plan.pk)
    history = risk.changes.select_related("changed_by") if risk else None
    return _form_page(
        request,
        form,
        title="Risk or issue",
        back=("Risks and issues", "risk_list", [plan.pk]),
        extra={"conflict": conflict, "history": history},
    )


# --- KPIs -------------------------------------------------------------------------------------


@member_required()
def kpi_list(request, plan_pk):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    figures = _report_figures(request).figures
    kpis = [(kpi, selectors.kpi_summary(kpi, figures)) for kpi in plan.kpis.prefetch_related("values", "focus_areas")]
    return render(
        request, "improvement/kpis.html", {"plan": plan, "kpis": kpis, "can_edit": request.membership.is_lead}
    )


@member_required(Role.LEAD)
def kpi_edit(request, plan_pk, pk=None):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    kpi = get_object_or_404(Kpi, pk=pk, plan=plan) if pk else None
    form = KpiForm(request.POST or None, instance=kpi, plan=plan)
    if request.method == "POST" and form.is_valid():
        form.instance.plan = plan
        kpi = form.save()
        messages.success(request, f"Saved the KPI {kpi.name}.")
        return redirect("kpi_detail", pk=kpi.pk)
    return _form_page(request, form, title="KPI", back=("KPIs", "kpi_list", [plan.pk]))


@member_required()
def kpi_detail(request, pk):
    kpi = get_for_member_or_404(request.user, Kpi.objects.select_related("plan__organisation"), pk=pk)
    form = KpiValueForm(request.POST or None, kpi=kpi) if request.membership.is_lead and not kpi.is_computed else None
    if request.method == "POST":
        if form is None:
            raise Http404("This KPI takes no entered values here.")
        if form.is_valid():
            period = form.cleaned_data["period"]
            try:
                services.kpi_value_set(kpi=kpi, period=period, value=form.cleaned_data["value"], by=request.user)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                frequency = selectors.series_frequency(kpi)
                label = f"{period:%B %Y}" if frequency == Kpi.Frequency.MONTHLY else period_label(frequency, period)
                messages.success(request, f"Saved the value for {label}.")
                return redirect("kpi_detail", pk=kpi.pk)
    summary = selectors.kpi_summary(kpi)
    return render(
        request,
        "improvement/kpi_detail.html",
        {
            "kpi": kpi,
            "plan": kpi.plan,
            "summary": summary,
            "form": form,
            "chart": kpi_chart(summary),
            "table": kpi_table(summary),
            "chart_id": f"chart-kpi-{kpi.pk}",
        },
    )


@member_required(Role.LEAD)
def kpi_import(request, plan_pk):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    form = KpiImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            count = services.kpi_import(plan=plan, filename=upload.name, data=upload.read(), by=request.user)
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(request, f"Imported {count} KPI value{'s' if count != 1 else ''}.")
            return redirect("kpi_list", plan_pk=plan.pk)
    examples = [(kpi, services.period_example(kpi.frequency)) for kpi in plan.kpis.all() if not kpi.is_computed]
    return render(
        request,
        "improvement/kpi_import.html",
        {"plan": plan, "form": form, "problems": problems, "examples": examples},
    )


# --- follow-ups -------------------------------------------------------------------------------


@member_required()
def follow_up_list(request):
    """One line per case (a case reviewed by several workshops is one line, its reviews inside it),
    with its latest follow-up and the next one scheduled (improvement/follow_ups.py)."""
    membership = request.membership
    return render(
        request,
        "improvement/follow_ups.html",
        {
            "lines": follow_ups.case_lines(membership),
            "summary": selectors.follow_up_summary(
                membership.organisation, scope_as_seen_by(membership, Scope()).scope
            ),
            "due": follow_ups.due_groups(membership),
            "can_edit": membership.is_lead,
            "can_schedule": membership.role in follow_ups.SCHEDULING_ROLES,
            "months": follow_ups.SCHEDULE_MONTHS,
        },
    )


@member_required(Role.LEAD)
def follow_up_add(request, review_pk):
    review = get_for_member_or_404(
        request.user,
        CaseReview.objects.select_related("allocation__case", "allocation__workshop", "better_provision"),
        pk=review_pk,
    )
    form = FollowUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.follow_up_add(review=review, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                f"Recorded the follow-up of {review.allocation.case.reference}. "
                "Schedule the next one below if the case needs another look.",
            )
            return redirect(f"{reverse('follow_up_list')}#case-{review.allocation.case_id}")
    better = review.better_provision.label if review.better_provision else "not recorded"
    schedule = follow_ups.open_schedules(request.membership.organisation).filter(review=review).first()
    due = f" A follow-up is due on {schedule.due:%-d %B %Y}: recording this one marks it done." if schedule else ""
    return _form_page(
        request,
        form,
        title=f"Follow up {review.allocation.case.reference}",
        intro=f"Reviewed on {review.reviewed_at:%-d %B %Y}; the room suggested: {better}.{due}",
        back=("Case follow-ups", "follow_up_list", []),
    )


# --- monitoring updates -----------------------------------------------------------------------


@member_required()
def update_list(request, plan_pk):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    updates = list(plan.updates.all())
    names = list(dict.fromkeys(w["name"] for u in updates for w in u.content["workstreams"]))
    comparison = [
        # An update frozen since issue 36 counts Complete and Not yet rated apart ("ratings");
        # an older one has red/amber/green only ("rag").
        (
            name,
            [
                next((w.get("ratings") or w["rag"] for w in u.content["workstreams"] if w["name"] == name), None)
                for u in updates
            ],
        )
        for name in names
    ]
    return render(
        request,
        "improvement/updates.html",
        {"plan": plan, "updates": updates, "comparison": comparison, "can_edit": request.membership.is_lead},
    )


@member_required(Role.LEAD)
def update_create(request, plan_pk):
    plan = get_for_member_or_404(request.user, Plan, pk=plan_pk)
    form = UpdateForm(request.POST or None, plan=plan, today=timezone.localdate())
    if request.method == "POST" and form.is_valid():
        try:
            update = services.update_freeze(plan=plan, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Froze “{update.title}”. Later changes to the plan do not change it.")
            return redirect("update_detail", pk=update.pk)
    return _form_page(
        request,
        form,
        title="Freeze a monitoring update",
        button="Freeze the update",
        intro=(
            "The update copies the plan as it stands: RAG by workstream, every action's rating with the "
            "previous update's and the direction of travel, risks, KPIs, recommendations, progress and next steps."
        ),
        back=("Monitoring updates", "update_list", [plan.pk]),
    )


@member_required()
def update_detail(request, pk):
    update = get_for_member_or_404(request.user, MonitoringUpdate.objects.select_related("plan"), pk=pk)
    return render(
        request, "improvement/update_detail.html", {"update": update, "content": update.content, "plan": update.plan}
    )


@member_required()
def update_docx(request, pk):
    # python-docx (and lxml) loaded when a document is asked for, not at start-up
    from improvement.word import update_document

    update = get_for_member_or_404(request.user, MonitoringUpdate, pk=pk)
    buffer = io.BytesIO()
    update_document(update).save(buffer)
    return file_response(buffer.getvalue(), "docx", f"monitoring-update-{update.as_of:%Y-%m-%d}.docx")
