"""Every review now has its case's phase, primary need and support level at review: required from
here on. (A migration of its own: PostgreSQL cannot alter a table in the transaction that has just
filled its deferred foreign keys.)"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("workshops", "0004_casereview_case_at_review"),
    ]

    operations = [
        migrations.AlterField(
            model_name="casereview", name=field,
            field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name="+", to="casereview.vocabularyterm"),
        )
        for field in ("phase_at_review", "primary_need_at_review", "support_level_at_review")
    ]
