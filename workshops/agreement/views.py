"""Agreement between rooms: the calibration comparison on the projector, and moderation."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from casereview.forms import add_service_errors
from casereview.models import Role
from casereview.tenancy import get_for_member_or_404, member_required
from workshops.agreement import selectors, services
from workshops.agreement.forms import ModerationForm, PanelForm
from workshops.models import CaseAllocation, Workshop
from workshops.selectors import workshops_for
from workshops.services.answer_words import conflict_rows
from workshops.services.reviews import ReviewConflict


def _calibration_case(request, workshop_pk, allocation_pk):
    workshop = get_object_or_404(workshops_for(request.user), pk=workshop_pk)
    first = get_object_or_404(
        CaseAllocation.objects.select_related("case"),
        pk=allocation_pk,
        workshop=workshop,
        kind=CaseAllocation.Kind.FIRST,
        calibration=True,
    )
    return workshop, selectors.case_answers(first)


def _fingerprint(answers: selectors.CaseAnswers) -> str:
    return ".".join(f"{room.allocation.pk}:{room.review.version if room.review else 0}" for room in answers.rooms)


@member_required()
def calibration_present(request, workshop_pk, allocation_pk):
    """The projector: each room's answer to a calibration case side by side, differences marked,
    shown only once every room has answered (until then, only who has answered)."""
    workshop, answers = _calibration_case(request, workshop_pk, allocation_pk)
    return render(
        request,
        "workshops/agreement/calibration_present.html",
        {"workshop": workshop, "answers": answers, "fingerprint": _fingerprint(answers)},
    )


@member_required()
def calibration_live(request, workshop_pk, allocation_pk):
    """Polled by the projector every 3 seconds: 204 while nothing changed; 286 (htmx: stop
    polling) with the comparison once every room has answered."""
    workshop, answers = _calibration_case(request, workshop_pk, allocation_pk)
    fingerprint = _fingerprint(answers)
    if request.GET.get("since") == fingerprint and not answers.everyone_answered:
        return HttpResponse(status=204)
    response = render(
        request,
        "workshops/agreement/_calibration_comparison.html",
        {"workshop": workshop, "answers": answers, "fingerprint": fingerprint},
    )
    if answers.everyone_answered:
        response.status_code = 286
    return response


def _moderated_workshop(request, workshop_pk) -> Workshop:
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    if not selectors.may_moderate(request.user, workshop):
        raise PermissionDenied("Only the programme lead and the workshop's moderation panel moderate.")
    return workshop


@member_required(Role.LEAD, Role.FACILITATOR)
def moderation_list(request, workshop_pk):
    """Every case of the workshop that several rooms reviewed; disagreements first. The lead
    also names the moderation panel here."""
    workshop = _moderated_workshop(request, workshop_pk)
    panel_form = None
    if request.membership.is_lead:
        panel_form = PanelForm(
            request.POST or None,
            organisation=workshop.organisation,
            initial={"facilitators": [m.user for m in selectors.panel_of(workshop)]},
        )
        if request.method == "POST" and panel_form.is_valid():
            services.panel_set(workshop=workshop, facilitators=list(panel_form.cleaned_data["facilitators"]))
            messages.success(request, "Saved the moderation panel.")
            return redirect("moderation_list", workshop_pk=workshop.pk)
    elif request.method == "POST":
        raise PermissionDenied("Only the programme lead names the moderation panel.")
    cases = selectors.multi_room_cases(workshop)
    cases.sort(key=lambda case: (not case.awaiting_moderation, not case.disagrees, case.reference))
    return render(
        request,
        "workshops/agreement/moderation_list.html",
        {
            "workshop": workshop,
            "cases": cases,
            "panel_form": panel_form,
            "awaiting": sum(1 for case in cases if case.awaiting_moderation),
        },
    )


@member_required(Role.LEAD, Role.FACILITATOR)
def moderation_case(request, workshop_pk, allocation_pk):
    """One case several rooms reviewed: every room's answer, and the form for the moderated one."""
    workshop = _moderated_workshop(request, workshop_pk)
    first = get_object_or_404(
        CaseAllocation.objects.select_related("case__current_provision", "workshop"),
        pk=allocation_pk,
        workshop=workshop,
        kind=CaseAllocation.Kind.FIRST,
    )
    answers = selectors.case_answers(first)
    if len(answers.rooms) < 2:
        messages.error(request, f"{first.case.reference} is reviewed by one room only: there is nothing to moderate.")
        return redirect("moderation_list", workshop_pk=workshop.pk)
    organisation = workshop.organisation
    conflict = None
    if request.method == "POST":
        form = ModerationForm(request.POST, organisation=organisation, review=answers.moderated)
        if form.is_valid():
            try:
                services.moderation_save(
                    first=first,
                    answer=form.answer,
                    reason=form.cleaned_data["reason"],
                    by=request.user,
                    expected_version=form.cleaned_data["version"],
                )
            except ReviewConflict as error:
                data = request.POST.copy()
                data["version"] = error.current.version
                form = ModerationForm(data, organisation=organisation, review=error.current)
                form.is_valid()
                conflict = {"review": error.current, "rows": conflict_rows(error.current, form.answer)}
            except ValidationError as error:
                add_service_errors(form, error, field="reason")
            else:
                messages.success(
                    request, f"Recorded the moderated answer for {first.case.reference}: it now counts in every report."
                )
                return redirect("moderation_list", workshop_pk=workshop.pk)
    else:
        initial = ModerationForm.initial_for(answers.moderated)
        initial["reason"] = selectors.moderation_reason(answers.moderated)
        form = ModerationForm(initial=initial, organisation=organisation, review=answers.moderated)
    return render(
        request,
        "workshops/agreement/moderation_case.html",
        {
            "workshop": workshop,
            "answers": answers,
            "form": form,
            "conflict": conflict,
            "reason": selectors.moderation_reason(answers.moderated),
        },
    )
