"""An answer that looks like a person's name is marked when it is stored (casereview/names.py), so
the approval queue leaves it out of "Approve all". Answers already waiting are marked here."""

from django.db import migrations, models

from casereview.names import looks_like_a_name


def mark_waiting(apps, schema_editor):
    PollResponse = apps.get_model("workshops", "PollResponse")
    waiting = PollResponse.objects.filter(approved=False, hidden=False).exclude(text="")
    names = [pk for pk, text in waiting.values_list("pk", "text").iterator() if looks_like_a_name(text)]
    PollResponse.objects.filter(pk__in=names).update(may_be_name=True)


class Migration(migrations.Migration):
    dependencies = [
        ("workshops", "0009_moderated_answers_keep_the_rooms_moment"),
    ]

    operations = [
        migrations.AddField(
            model_name="pollresponse",
            name="may_be_name",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(mark_waiting, migrations.RunPython.noop),
    ]
