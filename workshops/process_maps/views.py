"""Process maps: built live in the workshop (htmx, keyboard-friendly), shown on the projector, exported."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from casereview.exports import Table, spreadsheet_safe, table_response
from casereview.forms import add_service_errors
from casereview.models import Role
from casereview.selectors import offered_terms
from casereview.tenancy import member_required
from casereview.vocabularies import VocabularyKind
from workshops.models import ProcessFinding, ProcessStep
from workshops.process_maps import services
from workshops.process_maps.forms import FindingForm, ProcessMapForm, StepForm
from workshops.process_maps.selectors import map_steps, process_maps_editable_by, process_maps_for
from workshops.selectors import workshops_for

EDITORS = (Role.LEAD, Role.FACILITATOR)


def _editor(
    request, process_map, *, step_forms=None, finding_forms=None, new_step_form=None, notice=None, saved_draft=None
):
    """The editor page, or (for htmx) just its steps, with any forms that have errors kept as typed."""
    organisation = process_map.workshop.organisation
    steps = map_steps(process_map)
    step_forms, finding_forms = step_forms or {}, finding_forms or {}
    themes = offered_terms(organisation, [VocabularyKind.THEME])[VocabularyKind.THEME]  # once for every step's form
    for step in steps:
        step.form = step_forms.get(step.pk) or StepForm(
            initial={"title": step.title, "responsible": step.responsible, "version": step.version},
            prefix=f"step-{step.pk}",
        )
        step.finding_form = finding_forms.get(step.pk) or FindingForm(
            organisation=organisation, themes=themes, prefix=f"finding-{step.pk}"
        )
    context = {
        "process_map": process_map,
        "steps": steps,
        "new_step_form": new_step_form or StepForm(prefix="new"),
        "notice": notice,
        "saved_draft": saved_draft,
    }
    template = "workshops/process_maps/_steps.html" if request.htmx else "workshops/process_maps/editor.html"
    return render(request, template, context)


def _after_write(request, process_map, notice, saved_draft=None):
    if request.htmx:
        return _editor(request, process_map, notice=notice, saved_draft=saved_draft)
    messages.success(request, notice)
    return redirect("process_map_edit", pk=process_map.pk)


@require_POST
@member_required(*EDITORS)
def process_map_create(request, workshop_pk):
    workshop = get_object_or_404(workshops_for(request.user), pk=workshop_pk)
    form = ProcessMapForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "The map was not created: " + " ".join(e for errors in form.errors.values() for e in errors)
        )
        return redirect("workshop_detail", pk=workshop.pk)
    form.instance.workshop = workshop
    process_map = form.save()
    return redirect("process_map_edit", pk=process_map.pk)


@member_required(*EDITORS)
def process_map_edit(request, pk):
    process_map = get_object_or_404(process_maps_editable_by(request.user), pk=pk)
    return _editor(request, process_map)


@require_POST
@member_required(*EDITORS)
def step_add(request, pk):
    process_map = get_object_or_404(process_maps_editable_by(request.user), pk=pk)
    form = StepForm(request.POST, prefix="new")
    if not form.is_valid():
        return _editor(request, process_map, new_step_form=form)
    step = services.step_add(
        process_map=process_map, title=form.cleaned_data["title"], responsible=form.cleaned_data["responsible"]
    )
    return _after_write(request, process_map, f"Added step {step.position}: “{step.title}”.")


def _step(request, step_pk):
    return get_object_or_404(
        ProcessStep.objects.filter(process_map__in=process_maps_editable_by(request.user)).select_related(
            "process_map__workshop"
        ),
        pk=step_pk,
    )


@require_POST
@member_required(*EDITORS)
def step_update(request, step_pk):
    step = _step(request, step_pk)
    form = StepForm(request.POST, prefix=f"step-{step.pk}")
    if not form.is_valid():
        return _editor(request, step.process_map, step_forms={step.pk: form})
    try:
        step = services.step_update(
            step=step,
            title=form.cleaned_data["title"],
            responsible=form.cleaned_data["responsible"],
            expected_version=form.cleaned_data["version"] or 0,
        )
    except services.StepConflict as conflict:
        # Show theirs and keep yours in the form; saving again (at the new version) is a deliberate choice.
        data = request.POST.copy()
        data[f"step-{step.pk}-version"] = conflict.current.version
        notice = (
            f"Someone else renamed this step to “{conflict.current.title}” while you were typing. "
            f"Your version is still in the box: save it again to replace theirs, or reload to keep theirs."
        )
        return _editor(
            request, step.process_map, step_forms={step.pk: StepForm(data, prefix=f"step-{step.pk}")}, notice=notice
        )
    return _after_write(request, step.process_map, f"Saved step {step.position}: “{step.title}”.")


@require_POST
@member_required(*EDITORS)
def step_move(request, step_pk):
    step = _step(request, step_pk)
    offset = {"up": -1, "down": 1}.get(request.POST.get("direction"))
    if offset is None:
        raise Http404("Move up or down.")
    services.step_move(step=step, offset=offset)
    step.refresh_from_db()
    return _after_write(request, step.process_map, f"Moved “{step.title}” to step {step.position}.")


@require_POST
@member_required(*EDITORS)
def step_remove(request, step_pk):
    step = _step(request, step_pk)
    services.step_remove(step=step)
    return _after_write(request, step.process_map, f"Removed the step “{step.title}” and its findings.")


@require_POST
@member_required(*EDITORS)
def finding_add(request, step_pk):
    step = _step(request, step_pk)
    form = FindingForm(request.POST, organisation=step.process_map.workshop.organisation, prefix=f"finding-{step.pk}")
    if form.is_valid():
        try:
            services.finding_add(
                step=step,
                kind=form.cleaned_data["kind"],
                text=form.cleaned_data["text"],
                themes=form.cleaned_data["themes"],
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _after_write(
                request,
                step.process_map,
                f"Added a finding to “{step.title}”.",
                saved_draft=f"casereview:finding-draft:{step.pk}",
            )
    return _editor(request, step.process_map, finding_forms={step.pk: form})


@require_POST
@member_required(*EDITORS)
def finding_remove(request, finding_pk):
    finding = get_object_or_404(
        ProcessFinding.objects.filter(step__process_map__in=process_maps_editable_by(request.user)).select_related(
            "step__process_map__workshop"
        ),
        pk=finding_pk,
    )
    services.finding_remove(finding=finding)
    return _after_write(request, finding.step.process_map, f"Removed the finding “{finding.text[:40]}”.")


@member_required()
def process_map_present(request, pk):
    """The projector: the process as a flow of steps with their findings by kind."""
    process_map = get_object_or_404(process_maps_for(request.user), pk=pk)
    context = {"process_map": process_map, "steps": map_steps(process_map)}
    if request.htmx:
        return render(request, "workshops/process_maps/_flow.html", context)
    return render(request, "workshops/process_maps/present.html", context)


@member_required()
def process_map_export(request, pk, file_format):
    process_map = get_object_or_404(process_maps_for(request.user), pk=pk)
    rows = []
    for step in map_steps(process_map):
        findings = list(step.findings.all()) or [None]
        for finding in findings:
            rows.append(
                [
                    step.position,
                    step.title,
                    step.get_responsible_display(),
                    finding.get_kind_display() if finding else "",
                    spreadsheet_safe(finding.text) if finding else "",
                    "; ".join(t.label for t in finding.themes.all()) if finding else "",
                ]
            )
    table = Table(
        f"process-map-{process_map.pk}",
        process_map.title,
        ["Step", "Title", "Responsible", "Kind", "Finding", "Themes"],
        rows,
    )
    return table_response(table, file_format, f"process-map-{process_map.pk}")
