"""Polls for the lead (set up, open, close, reset, moderate) and the projector screen."""

import segno
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from casereview.exports import Table, as_csv
from casereview.models import Role
from casereview.tenancy import get_for_member_or_404, member_required
from workshops.models import Poll, PollResponse, Workshop
from workshops.polls import services
from workshops.polls.forms import PollForm, PollSettingsForm
from workshops.polls.limits import refused_count
from workshops.polls.selectors import current_responses, poll_fingerprint, poll_results


@member_required(Role.LEAD)
def poll_edit(request, workshop_pk, pk=None):
    workshop = get_for_member_or_404(request.user, Workshop, pk=workshop_pk)
    poll = get_object_or_404(Poll, pk=pk, workshop=workshop) if pk else Poll(workshop=workshop)
    form = PollForm(request.POST or None, instance=poll)
    if request.method == "POST" and form.is_valid():
        poll = form.save()
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
        messages.success(request, f"Reset “{poll.question}”: a new round starts, earlier answers are kept but no longer shown.")
    else:
        messages.error(request, "Nothing changed: unknown action.")
    return redirect("workshop_detail", pk=poll.workshop_id)


@member_required(Role.LEAD)
def poll_moderate(request, pk):
    poll = get_for_member_or_404(request.user, Poll.objects.select_related("workshop"), pk=pk)
    responses = current_responses(poll).order_by("-created_at")
    return render(request, "workshops/polls/moderate.html",
                  {"poll": poll, "responses": responses, "refused": refused_count(poll.workshop)})


@require_POST
@member_required(Role.LEAD)
def response_hide(request, pk):
    response = get_for_member_or_404(request.user, PollResponse.objects.select_related("poll"), pk=pk)
    hidden = request.POST.get("hidden") == "yes"
    services.response_set_hidden(response=response, hidden=hidden)
    shown = response.text or response.choice or response.value
    messages.success(request, f"{'Hid' if hidden else 'Showed again'} “{shown}”.")
    return redirect("poll_moderate", pk=response.poll_id)


@member_required()
def poll_present(request, pk):
    """The projector: join code, QR code and the live result, refreshing itself."""
    poll = get_for_member_or_404(request.user, Poll.objects.select_related("workshop"), pk=pk)
    join_url = request.build_absolute_uri(reverse("attend", args=[poll.workshop.join_code]))
    fingerprint = poll_fingerprint(poll)
    context = {
        "poll": poll,
        "join_url": join_url,
        "join_host": request.build_absolute_uri("/join/"),
        "qr_svg": segno.make(join_url, error="m").svg_inline(scale=8, border=2, dark="#000", light="#fff"),
        "results": poll_results(poll, fingerprint),
        "fingerprint": fingerprint,
    }
    return render(request, "workshops/polls/present.html", context)


@member_required()
def poll_live_results(request, pk):
    """Polled every 2 seconds by the projector. Nothing new: 204, and the screen is left alone."""
    poll = get_for_member_or_404(request.user, Poll.objects.select_related("workshop"), pk=pk)
    fingerprint = poll_fingerprint(poll)
    if request.GET.get("since") == fingerprint:
        return HttpResponse(status=204)
    context = {"poll": poll, "results": poll_results(poll, fingerprint), "fingerprint": fingerprint}
    return render(request, "workshops/polls/_live_results.html", context)


@member_required()
def poll_results_csv(request, pk):
    poll = get_for_member_or_404(request.user, Poll, pk=pk)
    results = poll_results(poll)
    if poll.kind == Poll.Kind.WORDS:
        table = Table("results", poll.question, ["answer", "count"], [[word, count] for word, count, _ in results.words])
    else:
        table = Table("results", poll.question, ["option" if poll.kind == Poll.Kind.CHOICE else "value", "count", "share"],
                      [[bar.label, bar.count, f"{bar.share:.3f}"] for bar in results.bars])
    response = HttpResponse(as_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="poll-{poll.pk}-results.csv"'
    return response


@member_required(Role.LEAD)
def poll_settings(request):
    settings = services.poll_settings_of(request.membership.organisation)
    form = PollSettingsForm(request.POST or None, instance=settings)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, "Saved the poll settings.")
        return redirect("poll_settings")
    return render(request, "workshops/polls/settings.html", {"form": form})
