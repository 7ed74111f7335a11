"""The programme lead's pages: workshops, rooms, case import and allocation, control room, audit."""

import secrets

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casereview.exports import file_response
from casereview.forms import add_service_errors
from casereview.models import DeletionRecord, Role
from casereview.numbers import object_id
from casereview.tenancy import get_for_member_or_404, member_required
from casereview.uploads import ImportRejected
from workshops import import_templates, retention
from workshops.agreement import selectors as agreement
from workshops.agreement.services import double_review_draw
from workshops.forms import (
    AllocationForm,
    CaseImportForm,
    DoubleReviewDrawForm,
    RetentionForm,
    RoomForm,
    WorkshopForm,
)
from workshops.imports import case_import
from workshops.models import BreakoutRoom, CaseAllocation, Discipline, DoubleReviewDraw, Workshop
from workshops.selectors import rooms_for_console, rooms_to_open, workshop_audit, workshop_progress, workshops_for
from workshops.services.allocation import allocation_save
from workshops.services.placements import placements_moved, placements_split_evenly
from workshops.services.rooms import room_save

READERS = (Role.LEAD, Role.VIEWER)


@member_required()
def workshop_list(request):
    workshops = workshops_for(request.user).prefetch_related("rooms")
    my_rooms = {}
    for room in rooms_for_console(request.user).filter(facilitators=request.user).order_by("name"):
        my_rooms.setdefault(room.workshop_id, []).append(room)
    rows = [(workshop, my_rooms.get(workshop.pk, [])) for workshop in workshops]
    return render(
        request, "workshops/setup/workshop_list.html", {"rows": rows, "to_open": list(rooms_to_open(request.user))}
    )


@member_required(Role.LEAD)
def workshop_create(request):
    form = WorkshopForm(request.POST or None, organisation=request.membership.organisation)
    if request.method == "POST" and form.is_valid():
        form.instance.organisation = request.membership.organisation
        workshop = form.save()
        messages.success(request, f"Created “{workshop.title}”. Add its breakout rooms next.")
        return redirect("workshop_detail", pk=workshop.pk)
    return render(request, "workshops/setup/workshop_form.html", {"form": form})


@member_required()
def workshop_detail(request, pk):
    workshop = get_object_or_404(workshops_for(request.user), pk=pk)
    rooms = workshop.rooms.prefetch_related("facilitators", "disciplines")
    console_rooms = set(rooms_for_console(request.user).filter(workshop=workshop).values_list("pk", flat=True))
    progress, unallocated = workshop_progress(workshop)
    progress_by_room = {p.room.pk: p for p in progress}
    polls = workshop.polls.annotate(
        answer_count=Count(
            "responses", filter=Q(responses__round=F("round"), responses__hidden=False, responses__approved=True)
        ),
        waiting_count=Count(
            "responses", filter=Q(responses__round=F("round"), responses__hidden=False, responses__approved=False)
        ),
    )
    return render(
        request,
        "workshops/setup/workshop_detail.html",
        {
            "workshop": workshop,
            "room_cards": [(room, progress_by_room[room.pk]) for room in rooms],
            "console_rooms": console_rooms,
            "case_count": workshop.allocations.filter(kind=CaseAllocation.Kind.FIRST).count(),
            "unallocated": unallocated,
            "polls": polls,
            "process_maps": workshop.process_maps.all(),
            "can_map": request.membership.role in (Role.LEAD, Role.FACILITATOR),
            "join_host": request.build_absolute_uri(reverse("join")),
            "calibration_cases": workshop.allocations.filter(
                kind=CaseAllocation.Kind.FIRST, calibration=True
            ).select_related("case"),
            "can_moderate": agreement.may_moderate(request.user, workshop),
        },
    )


@member_required(Role.LEAD)
def workshop_edit(request, pk):
    workshop = get_for_member_or_404(request.user, Workshop, pk=pk)
    form = WorkshopForm(request.POST or None, instance=workshop, organisation=request.membership.organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved the workshop.")
        return redirect("workshop_detail", pk=workshop.pk)
    return render(request, "workshops/setup/workshop_form.html", {"form": form, "workshop": workshop})


@member_required(Role.LEAD)
def room_edit(request, workshop_pk, pk=None):
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    room = get_object_or_404(BreakoutRoom, pk=pk, workshop=workshop) if pk else None
    initial = {}
    if room:
        initial = {"name": room.name, "facilitators": list(room.facilitators.all())}
        initial |= {f"discipline_{d.discipline}": d.count for d in room.disciplines.all()}
    form = RoomForm(request.POST or None, initial=initial, workshop=workshop, room=room)
    if request.method == "POST" and form.is_valid():
        try:
            saved = room_save(
                workshop=workshop,
                room=room,
                name=form.cleaned_data["name"],
                facilitators=form.cleaned_data["facilitators"],
                discipline_counts=form.discipline_counts(),
            )
        except ValidationError as error:
            # The model's own rules, should the form ever let something past: said on the form, not a 500.
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved {saved.name}.")
            return redirect("workshop_detail", pk=workshop.pk)
    discipline_fields = [form[f"discipline_{d}"] for d in Discipline.values]
    return render(
        request,
        "workshops/setup/room_form.html",
        {"form": form, "workshop": workshop, "room": room, "discipline_fields": discipline_fields},
    )


@member_required(Role.LEAD)
def case_import_view(request, workshop_pk):
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    form = CaseImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = case_import(
                organisation=request.membership.organisation,
                workshop=workshop,
                filename=upload.name,
                data=upload.read(),
            )
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            rooms = f" Created rooms: {', '.join(result.rooms_created)}." if result.rooms_created else ""
            messages.success(
                request, f"Imported {result.created + result.updated} cases ({result.created} new).{rooms}"
            )
            # Warnings, not refusals: the cases are in, and each unusual one is named so it can be checked.
            for warning in result.warnings:
                messages.warning(request, str(warning))
            return redirect("allocation", workshop_pk=workshop.pk)
    return render(
        request, "workshops/setup/case_import.html", {"form": form, "workshop": workshop, "problems": problems}
    )


@member_required(Role.LEAD)
def case_import_template(request, workshop_pk, file_format):
    get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    if file_format == "xlsx":
        content = import_templates.case_template_xlsx(request.membership.organisation)
    elif file_format == "csv":
        content = import_templates.case_template_csv()
    else:
        raise Http404("Templates come as .csv or .xlsx.")
    return file_response(content, file_format, f"casereview-cases-template.{file_format}")


def _first_allocations(workshop) -> list[CaseAllocation]:
    """The workshop's cases as the allocation page shows them, each with its allocations in other
    rooms (``elsewhere``: its blind second room, or every other room for a calibration case)."""
    return list(
        workshop.allocations.filter(kind=CaseAllocation.Kind.FIRST)
        .select_related("case", "case__primary_need", "case__current_provision", "room", "review")
        .prefetch_related(
            Prefetch(
                "other_allocations",
                queryset=CaseAllocation.objects.filter(kind=CaseAllocation.Kind.OTHER_ROOM).select_related("room"),
                to_attr="elsewhere",
            )
        )
    )


def _allocation_page(request, workshop, allocations, rooms, *, form=None, draw_form=None):
    if draw_form is None:
        draw_form = DoubleReviewDrawForm(initial={"share": 15, "seed": secrets.randbelow(900000) + 100000})
    return render(
        request,
        "workshops/setup/allocation.html",
        {
            "workshop": workshop,
            "allocations": allocations,
            "rooms": rooms,
            "problems": form.problems() if form is not None else [],
            "draw_form": draw_form,
            "draws": DoubleReviewDraw.objects.filter(workshop=workshop).select_related("drawn_by")[:5],
        },
    )


def _placements_wanted(form: AllocationForm, rooms) -> dict:
    """The rooms and orders to save: as posted, with the ticked cases moved, or every case shared out."""
    action = form.cleaned_data["action"]
    if action == AllocationForm.MOVE:
        return placements_moved(placements=form.placements, selected=form.selected, room=form.move_to_room)
    if action == AllocationForm.SPLIT:
        # Reviewed cases stay with the room that reviewed them; calibration cases are in every room.
        reviewed = {item.pk for item in form.allocations if getattr(item, "review", None) is not None}
        return placements_split_evenly(
            placements=form.placements, rooms=rooms, keep=reviewed | form.calibration, second_rooms=form.second_rooms
        )
    return form.placements


def _allocation_saved(request, workshop, form: AllocationForm, placements):
    """Say what was done: after a move or a split, back to the page to see it; after a save, to the workshop."""
    action = form.cleaned_data["action"]
    if action == AllocationForm.SAVE:
        messages.success(request, "Saved the allocation.")
        return redirect("workshop_detail", pk=workshop.pk)
    counts = {}
    for room, _ in placements.values():
        if room is not None:
            counts[room.name] = counts.get(room.name, 0) + 1
    shares = ", ".join(f"{name}: {count} case{'s' if count != 1 else ''}" for name, count in sorted(counts.items()))
    moved = len(form.selected)
    done = (
        f"Moved {moved} case{'s' if moved != 1 else ''}"
        if action == AllocationForm.MOVE
        else "Shared the cases out evenly"
    )
    messages.success(request, f"{done} and saved the allocation ({shares}).")
    return redirect("allocation", workshop_pk=workshop.pk)


@member_required(Role.LEAD)
def allocation(request, workshop_pk):
    """Each case's room, order, blind second room and calibration, saved all or nothing; or the
    ticked cases moved to a room, or every case shared out evenly, and saved."""
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    allocations = _first_allocations(workshop)
    rooms = list(workshop.rooms.all())
    form = AllocationForm(request.POST if request.method == "POST" else None, allocations=allocations, rooms=rooms)
    if form.is_valid():
        placements = _placements_wanted(form, rooms)
        try:
            allocation_save(
                workshop=workshop,
                placements=placements,
                second_rooms=form.second_rooms,
                calibration=form.calibration,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return _allocation_saved(request, workshop, form, placements)
    return _allocation_page(request, workshop, allocations, rooms, form=form)


@require_POST
@member_required(Role.LEAD)
def allocation_draw(request, workshop_pk):
    """A share of the cases drawn at random, with a seed, each for a blind review in a second room."""
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    draw_form = DoubleReviewDrawForm(request.POST)
    if draw_form.is_valid():
        try:
            draw = double_review_draw(workshop=workshop, by=request.user, **draw_form.cleaned_data)
        except ValidationError as error:
            add_service_errors(draw_form, error)
        else:
            drawn = (
                "; ".join(f"{reference} → {room}" for reference, room in draw.pairs)
                or "no further case (the share is reached)"
            )
            messages.success(
                request,
                f"Drew {len(draw.pairs)} cases for a blind second review with seed {draw.record.seed}: {drawn}.",
            )
            return redirect("allocation", workshop_pk=workshop.pk)
    rooms = list(workshop.rooms.all())
    return _allocation_page(request, workshop, _first_allocations(workshop), rooms, draw_form=draw_form)


@member_required(*READERS)
def control_room(request, workshop_pk):
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    progress, unallocated = workshop_progress(workshop)
    context = {"workshop": workshop, "progress": progress, "unallocated": unallocated}
    if request.htmx:
        return render(request, "workshops/setup/_control_room_rooms.html", context)
    return render(request, "workshops/setup/control_room.html", context)


@member_required(Role.LEAD)
def audit_log(request, workshop_pk):
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    entries = workshop_audit(workshop)
    case = request.GET.get("case", "")
    if case:
        # A case that is not a whole number is as unknown as one of another workshop (never a 500).
        allocation_pk = object_id(case)
        if allocation_pk is None:
            raise Http404("No such case in this workshop.")
        entries = entries.filter(
            review__allocation=get_object_or_404(CaseAllocation, pk=allocation_pk, workshop=workshop)
        )
    return render(request, "workshops/setup/audit_log.html", {"workshop": workshop, "entries": entries[:500]})


@member_required(Role.LEAD)
def workshop_delete(request, pk):
    """Delete a workshop and everything of it now, after the lead confirms."""
    workshop = get_for_member_or_404(request.user, Workshop, pk=pk)
    if request.method == "POST":
        if request.POST.get("confirm") != "yes":
            messages.error(request, "Nothing was deleted: tick the box to confirm.")
            return redirect("workshop_delete", pk=workshop.pk)
        record = retention.workshop_delete(workshop=workshop, reason="Deleted by the programme lead", by=request.user)
        messages.success(request, f"Deleted for good: {record.what}.")
        return redirect("workshop_list")
    counts = {
        "cases": workshop.allocations.filter(kind=CaseAllocation.Kind.FIRST).count(),
        "reviews": workshop.allocations.filter(review__isnull=False).count(),
        "polls": workshop.polls.count(),
        "maps": workshop.process_maps.count(),
    }
    return render(request, "workshops/setup/workshop_delete.html", {"workshop": workshop, "counts": counts})


@member_required(Role.LEAD)
def retention_settings(request):
    organisation = request.membership.organisation
    form = RetentionForm(request.POST or None, instance=organisation)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"Workshops are now kept {organisation.retention_months} months after their date.")
        return redirect("retention")
    return render(
        request,
        "workshops/setup/retention.html",
        {
            "form": form,
            "deletions": DeletionRecord.objects.for_organisation(organisation).select_related("deleted_by")[:200],
            "due": retention.past_retention(organisation),
        },
    )
