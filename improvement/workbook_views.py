"""The plan workbook's pages: download a plan, download the template, import a new plan, update a
plan from a workbook. Any member downloads; the lead imports (403 for others); another LA's plan
answers 404 (casereview/tenancy.py)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.text import slugify

from casereview.exports import file_response
from casereview.models import Role
from casereview.tenancy import get_for_member_or_404, member_required
from casereview.uploads import ImportRejected
from improvement.models import Plan
from improvement.workbook import importer
from improvement.workbook.export import plan_workbook
from improvement.workbook.forms import PlanImportForm, PlanUpdateImportForm
from improvement.workbook.template import template_workbook


@member_required()
def plan_export(request, pk):
    plan = get_for_member_or_404(request.user, Plan, pk=pk)
    return file_response(plan_workbook(plan), "xlsx", f"{slugify(plan.title) or 'plan'}.xlsx")


@member_required()
def plan_workbook_template(request):
    return file_response(template_workbook(), "xlsx", "improvement-plan-template.xlsx")


@member_required(Role.LEAD)
def plan_import(request):
    organisation = request.membership.organisation
    form = PlanImportForm(request.POST or None, request.FILES or None, organisation=organisation)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        try:
            result = importer.plan_create_from_workbook(
                organisation=organisation,
                title=form.cleaned_data["title"],
                filename=upload.name,
                data=upload.read(),
                by=request.user,
            )
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(request, result.summary())
            return redirect("plan_detail", pk=result.plan.pk)
    return render(request, "improvement/workbook_import.html", {"form": form, "problems": problems, "plan": None})


@member_required(Role.LEAD)
def plan_update_import(request, pk):
    plan = get_for_member_or_404(request.user, Plan, pk=pk)
    form = PlanUpdateImportForm(request.POST or None, request.FILES or None)
    problems = []
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        try:
            result = importer.plan_import(plan=plan, filename=upload.name, data=upload.read(), by=request.user)
        except ImportRejected as rejected:
            problems = rejected.problems
        else:
            messages.success(request, result.summary())
            return redirect("plan_detail", pk=plan.pk)
    return render(request, "improvement/workbook_import.html", {"form": form, "problems": problems, "plan": plan})
