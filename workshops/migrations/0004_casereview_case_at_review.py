"""A review keeps the case's phase, primary need and support level as they were when it was
reviewed (like ``provision_at_review``). Existing reviews are filled from the case's values of
today: the best there is, as earlier values were not kept."""

import django.db.models.deletion
from django.db import migrations, models
from django.db.models import OuterRef, Subquery

FIELDS = {"phase_at_review": "phase_id", "primary_need_at_review": "primary_need_id", "support_level_at_review": "support_level_id"}


def fill_from_the_case(apps, schema_editor):
    CaseReview = apps.get_model("workshops", "CaseReview")
    CaseAllocation = apps.get_model("workshops", "CaseAllocation")
    of_the_case = CaseAllocation.objects.filter(pk=OuterRef("allocation_id"))
    CaseReview.objects.update(**{
        f"{field}_id": Subquery(of_the_case.values(f"case__{column}")[:1]) for field, column in FIELDS.items()
    })


class Migration(migrations.Migration):

    dependencies = [
        ("casereview", "0001_initial"),
        ("workshops", "0003_guard_blocked_words"),
    ]

    operations = [
        *[
            migrations.AddField(
                model_name="casereview", name=field,
                field=models.ForeignKey(null=True, on_delete=django.db.models.deletion.PROTECT, related_name="+", to="casereview.vocabularyterm"),
            )
            for field in FIELDS
        ],
        migrations.RunPython(fill_from_the_case, migrations.RunPython.noop),
    ]
