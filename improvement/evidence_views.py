"""Evidence links of an action (a board paper, a dashboard, a SharePoint folder): added and removed
from the action's page by those who may edit the action (the lead)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from casereview.models import Role
from casereview.tenancy import get_for_member_or_404, member_required
from improvement import services
from improvement.forms import EvidenceLinkForm
from improvement.models import Action, EvidenceLink


@require_POST
@member_required(Role.LEAD)
def evidence_link_add(request, action_pk):
    action = get_for_member_or_404(request.user, Action, pk=action_pk)
    form = EvidenceLinkForm(request.POST)
    problems = []
    if form.is_valid():
        try:
            services.evidence_link_add(
                action=action, url=form.cleaned_data["url"], label=form.cleaned_data["label"], by=request.user
            )
        except ValidationError as error:
            problems = error.messages
    else:
        problems = [error for errors in form.errors.values() for error in errors]
    if problems:
        messages.error(request, "The link was not added: " + " ".join(problems))
    else:
        messages.success(request, "Added the evidence link.")
    return redirect("action_detail", pk=action.pk)


@require_POST
@member_required(Role.LEAD)
def evidence_link_delete(request, pk):
    link = get_for_member_or_404(request.user, EvidenceLink, pk=pk)
    action_pk = link.action_id
    services.evidence_link_delete(link=link)
    messages.success(request, f"Removed the evidence link “{link.label or link.url}”.")
    return redirect("action_detail", pk=action_pk)
