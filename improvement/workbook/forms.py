"""The two upload forms of the plan workbook: a new plan (its title and the workbook), and an
update of an existing plan (the workbook)."""

from django import forms
from django.core.exceptions import ValidationError

from casereview.identifiers import reject_identifiers
from improvement.models import Plan
from improvement.workbook.importer import title_taken

WORKBOOK_HELP = (
    "An Excel workbook with the sheets Actions, Risks, KPIs and KPI values, as the download or the template has "
    "them. Everything is imported, or nothing: every problem is listed."
)


def _workbook_field() -> forms.FileField:
    return forms.FileField(
        label="Workbook (.xlsx)",
        help_text=WORKBOOK_HELP,
        widget=forms.ClearableFileInput(
            attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
        ),
    )


class PlanImportForm(forms.Form):
    title = forms.CharField(
        label="Plan title",
        max_length=Plan._meta.get_field("title").max_length,
        validators=[reject_identifiers],
        help_text="For example: Written Statement of Action 2022, or SEND improvement programme 2026–28.",
    )
    workbook = _workbook_field()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation

    def clean_title(self):
        title = " ".join(self.cleaned_data["title"].split())
        if Plan.objects.for_organisation(self.organisation).filter(title__iexact=title).exists():
            raise ValidationError(title_taken(title))
        return title


class PlanUpdateImportForm(forms.Form):
    workbook = _workbook_field()
