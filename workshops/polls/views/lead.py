"""Polls for the lead (set up, open, close, reset, moderate) and the projector screen."""

import segno
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casereview.exports import Table, table_response
from casereview.models import Role
from casereview.names import looks_like_a_name
from casereview.numbers import object_id
from casereview.tenancy import get_for_member_or_404, member_required
from workshops.models import Poll, PollResponse, Workshop
from workshops.polls import services
from workshops.polls.forms import PollForm, PollSettingsForm
from workshops.polls.limits import refused_count
from workshops.polls.selectors import (
    current_responses,
    poll_fingerprint,
    poll_merges,
    poll_results,
    waiting_responses,
)
from workshops.selectors import workshops_for

# Who looks after what reaches the screen: the lead, or a facilitator of the workshop.
MODERATORS = (Role.LEAD, Role.FACILITATOR)
# No label on the screen is longer (a merge's is at most 60): a longer one sent is cut, never
# kept in the session or a message whole.
MAX_LABEL = 60


def _moderated(user, queryset, workshop_path: str, **lookups):
    """An object of a workshop this person may moderate: any of the LA's for a lead, those with
    their rooms for a facilitator (as the workshop pages themselves); anything else 404."""
    return get_for_member_or_404(user, queryset.filter(**{f"{workshop_path}__in": workshops_for(user)}), **lookups)


def _quick_hide_key(poll) -> str:
    # The session keeps the last quick hide of a poll until the Moderate page shows its Undo.
    return f"quick-hide-{poll.pk}"


@member_required(Role.LEAD)
def poll_edit(request, workshop_pk, pk=None):
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    poll = get_object_or_404(Poll, pk=pk, workshop=workshop) if pk else Poll(workshop=workshop)
    if request.POST.get("action") == "choose_kind":
        # Without JavaScript the kind is chosen by a button of its own: the form comes back with
        # that kind's fields and what was typed, nothing checked or saved yet.
        form = PollForm(initial=request.POST.dict(), instance=poll)
    else:
        form = PollForm(request.POST or None, instance=poll)
    if request.method == "POST" and form.is_bound and form.is_valid():
        poll = form.save()
        services.poll_saved(poll=poll)
        messages.success(request, f"Saved the poll “{poll.question}”. Open it when the room is ready.")
        return redirect("workshop_detail", pk=workshop.pk)
    return render(request, "workshops/polls/poll_form.html", {"form": form, "workshop": workshop, "poll": poll})


@require_POST
@member_required(Role.LEAD)
def poll_state(request, pk):
    """Open, close or reset a poll (the button pressed says which)."""
    poll = get_for_member_or_404(request.user, Poll, pk=pk)
    action = request.POST.get("action")
    if action in ("open", "close"):
        services.poll_set_open(poll=poll, is_open=action == "open")
        messages.success(request, f"{'Opened' if action == 'open' else 'Closed'} “{poll.question}”.")
    elif action == "reset":
        services.poll_reset(poll=poll)
        messages.success(
            request, f"Reset “{poll.question}”: a new round starts, earlier answers are kept but no longer shown."
        )
    else:
        messages.error(request, "Nothing changed: unknown action.")
    return redirect("workshop_detail", pk=poll.workshop_id)


@member_required(*MODERATORS)
def poll_moderate(request, pk):
    """The approval queue (approve or hide, one tap each or several at once), every answer of the
    round with hide / show again, and the words' merges."""
    poll = _moderated(request.user, Poll.objects.select_related("workshop"), "workshop", pk=pk)
    waiting = list(waiting_responses(poll))
    for response in waiting:
        response.name_reason = looks_like_a_name(response.text) if response.may_be_name else None
    decided = current_responses(poll).exclude(approved=False, hidden=False).order_by("-created_at")
    context = {
        "poll": poll,
        "waiting": waiting,
        "approvable": sum(not response.may_be_name for response in waiting),
        "names_waiting": sum(response.may_be_name for response in waiting),
        "responses": decided,
        "results": poll_results(poll) if poll.kind == Poll.Kind.WORDS else None,
        "merges": poll_merges(poll) if poll.kind == Poll.Kind.WORDS else [],
        "refused": refused_count(poll.workshop),
        "fingerprint": poll_fingerprint(poll),
        # Shown once, on the page the quick hide redirects to; moderate.js keeps that page from
        # reloading itself while the Undo is offered.
        "quick_hidden": request.session.pop(_quick_hide_key(poll), None),
    }
    return render(request, "workshops/polls/moderate.html", context)


@member_required(*MODERATORS)
def poll_moderate_status(request, pk):
    """Asked by the Moderate page every 4 s: 204 while the poll's answers are as the page shows
    them (one aggregate query, as the projector asks); else a note that new answers are here, and
    the page reloads itself unless the moderator is in the middle of ticking (static/js/moderate.js)."""
    poll = _moderated(request.user, Poll.objects.select_related("workshop"), "workshop", pk=pk)
    if poll_fingerprint(poll) == request.GET.get("f"):
        return HttpResponse(status=204)
    return render(request, "workshops/polls/_moderate_news.html", {"poll": poll})


def _answer_ids(values: list[str]) -> list[int] | None:
    """The answer ids the queue's form sent; None when any is not an id (the form was changed, or
    sent by hand), so that nothing is half-done: the lead is told instead."""
    ids = [object_id(value) for value in values]
    return None if None in ids else ids


@require_POST
@member_required(*MODERATORS)
def poll_queue(request, pk):
    """Approve or hide answers waiting in the queue: the one whose button was pressed
    (``one=approve:ID``), or every ticked one (``action`` with ``response`` ids)."""
    poll = _moderated(request.user, Poll.objects.all(), "workshop", pk=pk)
    one = request.POST.get("one", "")
    if one:
        action, _, pk_text = one.partition(":")
        ids = _answer_ids([pk_text])
    else:
        action = request.POST.get("action", "")
        ids = _answer_ids(request.POST.getlist("response"))
        if action in ("approve-all", "hide-all"):
            ids = list(waiting_responses(poll).values_list("pk", flat=True))
            action = action.removesuffix("-all")
    if action not in ("approve", "hide"):
        messages.error(request, "Nothing changed: unknown action.")
    elif ids is None:
        messages.error(request, "Nothing changed: an answer sent was not recognised. Reload the page and try again.")
    elif not ids:
        messages.error(request, "Nothing changed: tick the answers to approve or hide first.")
    else:
        changed = services.responses_moderate(poll=poll, ids=ids, approve=action == "approve", names_too=bool(one))
        verb = "Approved" if action == "approve" else "Hid"
        messages.success(request, f"{verb} {changed} answer{'s' if changed != 1 else ''}.")
        names = waiting_responses(poll).filter(may_be_name=True).count() if action == "approve" and not one else 0
        if names:
            messages.warning(
                request,
                f"{names} answer{'s' if names != 1 else ''} that may be a name {'wait' if names != 1 else 'waits'}: "
                "approve each with its own Approve button if it is not a name, or hide it.",
            )
    return redirect("poll_moderate", pk=poll.pk)


@require_POST
@member_required(*MODERATORS)
def response_hide(request, pk):
    response = _moderated(request.user, PollResponse.objects.select_related("poll"), "poll__workshop", pk=pk)
    hidden = request.POST.get("hidden") == "yes"
    services.response_set_hidden(response=response, hidden=hidden)
    shown = response.text or response.choice or response.value
    messages.success(request, f"{'Hid' if hidden else 'Showed again'} “{shown}”.")
    return redirect("poll_moderate", pk=response.poll_id)


@require_POST
@member_required(*MODERATORS)
def poll_merge(request, pk):
    """Show several answers as one label ("safe", "feeling safe" → "feeling safe")."""
    poll = _moderated(request.user, Poll.objects.all(), "workshop", pk=pk, kind=Poll.Kind.WORDS)
    try:
        label = services.words_merge(poll=poll, labels=request.POST.getlist("label"), into=request.POST.get("into", ""))
    except ValidationError as error:
        messages.error(request, f"Nothing merged: {error.messages[0]}")
    else:
        messages.success(request, f"Merged: shown as “{label}” on the screen, the dashboards and the downloads.")
    return redirect(reverse("poll_moderate", args=[poll.pk]) + "#merge")


@require_POST
@member_required(*MODERATORS)
def poll_unmerge(request, pk):
    poll = _moderated(request.user, Poll.objects.all(), "workshop", pk=pk, kind=Poll.Kind.WORDS)
    label = request.POST.get("label", "")
    if services.words_unmerge(poll=poll, label=label):
        messages.success(request, f"Undid the merge into “{label}”: its answers are shown as given again.")
    else:
        messages.error(request, "Nothing changed: that merge was already undone.")
    return redirect(reverse("poll_moderate", args=[poll.pk]) + "#merge")


@require_POST
@member_required(*MODERATORS)
def poll_quick_hide(request, pk):
    """The presenter's quick hide, on the Moderate page's "Shown on the projector" (the presenter's
    own laptop or phone, never the projected screen): every answer shown as the label is hidden,
    the projector stops showing it at its next refresh, and the page comes back with an Undo."""
    poll = _moderated(request.user, Poll.objects.all(), "workshop", pk=pk, kind=Poll.Kind.WORDS)
    label = request.POST.get("label", "")[:MAX_LABEL]
    ids = services.label_hide(poll=poll, label=label)
    if ids:
        request.session[_quick_hide_key(poll)] = {"label": label, "ids": ids}
    else:
        messages.error(request, f"Nothing changed: “{label}” is no longer shown.")
    return redirect(reverse("poll_moderate", args=[poll.pk]) + "#shown")


@require_POST
@member_required(*MODERATORS)
def poll_quick_hide_undo(request, pk):
    """The Undo of a quick hide: shows again the answers it hid (their ids, from its form)."""
    poll = _moderated(request.user, Poll.objects.all(), "workshop", pk=pk, kind=Poll.Kind.WORDS)
    ids = _answer_ids(request.POST.getlist("response"))
    label = request.POST.get("label", "")[:MAX_LABEL]
    if not ids:
        messages.error(request, "Nothing changed: an answer sent was not recognised. Reload the page and try again.")
    elif services.label_show(poll=poll, ids=ids):
        messages.success(request, f"Showed “{label}” again: it is back on the projector within 2 seconds.")
    else:
        messages.error(request, f"Nothing changed: “{label}” was already shown again.")
    return redirect(reverse("poll_moderate", args=[poll.pk]) + "#shown")


@member_required()
def poll_present(request, pk):
    """The projector: join code, QR code and the live result, refreshing itself."""
    poll = get_for_member_or_404(request.user, Poll.objects.select_related("workshop"), pk=pk)
    join_url = request.build_absolute_uri(reverse("attend", args=[poll.workshop.join_code]))
    fingerprint = poll_fingerprint(poll)
    context = {
        "poll": poll,
        "join_url": join_url,
        # The address is one line on the projector (projector.js fits its size to the panel).
        "join_host_start": request.build_absolute_uri("/join/").removesuffix("/join/"),
        "join_host_end": "/join/",
        # No fixed size, only a viewBox: the code scales with the screen (static/css/projector.css).
        "qr_svg": segno.make(join_url, error="m").svg_inline(border=2, dark="#000", light="#fff", omitsize=True),
        "results": poll_results(poll, fingerprint),
        "fingerprint": fingerprint,
        "waiting": waiting_responses(poll).count() if poll.needs_approval else 0,
    }
    return render(request, "workshops/polls/present.html", context)


@member_required()
def poll_live_results(request, pk):
    """Polled every 2 seconds by the projector. Nothing new: 204, and the screen is left alone."""
    poll = get_for_member_or_404(request.user, Poll.objects.select_related("workshop"), pk=pk)
    fingerprint = poll_fingerprint(poll)
    if request.GET.get("since") == fingerprint:
        return HttpResponse(status=204)
    context = {
        "poll": poll,
        "results": poll_results(poll, fingerprint),
        "fingerprint": fingerprint,
        "waiting": waiting_responses(poll).count() if poll.needs_approval else 0,
    }
    return render(request, "workshops/polls/_live_results.html", context)


@member_required()
def poll_results_csv(request, pk):
    """The poll's results as shown (approved answers only, merges applied), and side by side per
    stakeholder group when the poll asked for roles, with n per group and small numbers flagged."""
    poll = get_for_member_or_404(request.user, Poll, pk=pk)
    results = poll_results(poll)
    first = "answer" if poll.kind == Poll.Kind.WORDS else "option" if poll.kind == Poll.Kind.CHOICE else "value"
    if poll.kind == Poll.Kind.WORDS:
        header, rows = [first, "count"], [[word, count] for word, count in results.all_words]
    else:
        header, rows = [first, "count", "share"], [[bar.label, bar.count, f"{bar.share:.3f}"] for bar in results.bars]
    if results.groups:
        header += [
            f"{group.label} (n={group.phones} phones{', small number' if group.small else ''})"
            for group in results.groups
        ]
        by_answer = dict(results.compare_all)  # every row, not only the ten the projector compares
        rows = [row + by_answer.get(row[0], [""] * len(results.groups)) for row in rows]
    note = "Approved answers only; hidden ones left out; merges applied."
    if any(group.small for group in results.groups):
        note += " Groups with fewer than 5 phones are small numbers: read them with care."
    table = Table("results", poll.question, header, rows, note)
    return table_response(table, "csv", f"poll-{poll.pk}-results")


@member_required(Role.LEAD)
def poll_settings(request):
    settings = services.poll_settings_of(request.membership.organisation)
    form = PollSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        services.poll_settings_saved(organisation=request.membership.organisation)
        messages.success(request, "Saved the poll settings.")
        return redirect("poll_settings")
    return render(request, "workshops/polls/settings.html", {"form": form})
