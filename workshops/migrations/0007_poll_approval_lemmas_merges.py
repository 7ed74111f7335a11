"""Polls, second version: approve before showing, answers counted by lemma, a facilitator's merges.

Polls made before this keep showing answers at once (approve_first is False for them, True for
new polls); their answers count as approved; each answer's lemma is filled in."""

import casereview.identifiers
import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models


def fill_lemmas(apps, schema_editor):
    # A frozen copy of workshops.polls.text.phrase_key as it was when this migration was written.
    import simplemma

    PollResponse = apps.get_model("workshops", "PollResponse")
    changed = []
    for response in PollResponse.objects.exclude(normalised="").only("id", "normalised").iterator():
        words = [simplemma.lemmatize(word, lang="en") for word in response.normalised.split()]
        while len(words) > 1 and words[-1] == "to":
            words.pop()
        response.lemma = " ".join(words)[:60]
        changed.append(response)
    PollResponse.objects.bulk_update(changed, ["lemma"], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ('workshops', '0006_agreement_between_rooms'),
    ]

    operations = [
        migrations.AddField(
            model_name='poll',
            name='approve_first',
            field=models.BooleanField(default=False, help_text='Words polls: each answer waits until the lead or a facilitator approves it.', verbose_name='Approve answers before they are shown'),
        ),
        migrations.AlterField(
            model_name='poll',
            name='approve_first',
            field=models.BooleanField(default=True, help_text='Words polls: each answer waits until the lead or a facilitator approves it.', verbose_name='Approve answers before they are shown'),
        ),
        migrations.AddField(
            model_name='pollresponse',
            name='approved',
            field=models.BooleanField(default=True),
        ),
        migrations.AddField(
            model_name='pollresponse',
            name='lemma',
            field=models.CharField(blank=True, max_length=60),
        ),
        migrations.CreateModel(
            name='PollMerge',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.CharField(max_length=60)),
                ('label', models.CharField(max_length=60, validators=[casereview.identifiers.reject_identifiers])),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                ('poll', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='merges', to='workshops.poll')),
            ],
            options={
                'constraints': [models.UniqueConstraint(fields=('poll', 'key'), name='one_label_per_poll_key')],
            },
        ),
        migrations.RunPython(fill_lemmas, migrations.RunPython.noop),
    ]
