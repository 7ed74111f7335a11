"""Names only: a case's other allocations in a workshop point at its ``first_allocation`` (was
``primary``), which reaches them as ``other_allocations`` (was ``copies``).

The database renames one column, and nothing else changes: PostgreSQL and SQLite both carry the
new name into the constraints and indexes that use the column. Django's record of the three
constraints on the column is rewritten to name the field; the constraints keep their names, and
the stored kinds ("first", "another_room", "moderation") are unchanged, so no row is touched."""

import django.db.models.deletion
from django.db import migrations, models

RENAME = 'ALTER TABLE "workshops_caseallocation" RENAME COLUMN "{}" TO "{}"'


def _constraints(field):
    return [
        models.UniqueConstraint(
            condition=models.Q(("kind", "another_room")),
            fields=(field, "room"),
            name="another_room_once_per_case",
        ),
        models.UniqueConstraint(
            condition=models.Q(("kind", "moderation")),
            fields=(field,),
            name="one_moderated_answer_per_case",
        ),
        models.CheckConstraint(
            condition=models.Q(
                models.Q((f"{field}__isnull", True), ("kind", "first")),
                models.Q(models.Q(("kind", "first"), _negated=True), (f"{field}__isnull", False)),
                _connector="OR",
            ),
            name="only_first_allocations_have_no_primary",
        ),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0007_poll_approval_lemmas_merges"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[
                migrations.RunSQL(
                    RENAME.format("primary_id", "first_allocation_id"),
                    reverse_sql=RENAME.format("first_allocation_id", "primary_id"),
                ),
            ],
            state_operations=[
                *[
                    migrations.RemoveConstraint(model_name="caseallocation", name=constraint.name)
                    for constraint in _constraints("primary")
                ],
                migrations.RenameField(model_name="caseallocation", old_name="primary", new_name="first_allocation"),
                migrations.AlterField(
                    model_name="caseallocation",
                    name="first_allocation",
                    field=models.ForeignKey(
                        blank=True,
                        help_text=(
                            "For another room's review or the moderated answer: the case's first allocation in the "
                            "workshop."
                        ),
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="other_allocations",
                        to="workshops.caseallocation",
                    ),
                ),
                *[
                    migrations.AddConstraint(model_name="caseallocation", constraint=constraint)
                    for constraint in _constraints("first_allocation")
                ],
            ],
        ),
    ]
