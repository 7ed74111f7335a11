"""Polls: the questions attendees answer on their phones, their answers, and each LA's rules for
answers shown on a shared screen. The models belong to the ``workshops`` app (see workshops/models.py)."""

from django.db import models
from django.utils import timezone

from casereview.identifiers import reject_identifiers
from casereview.models import Organisation
from casereview.tenancy import TenantQuerySet
from workshops.models import Discipline, Workshop


class Poll(models.Model):
    """A question put to attendees on their phones (docs/design.md, "What it is")."""

    class Kind(models.TextChoices):
        WORDS = "words", "Words (word cloud)"
        CHOICE = "choice", "Choice (one option)"
        SCALE = "scale", "Scale (1 to N)"

    tenant_path = "workshop__organisation"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(max_length=200, validators=[reject_identifiers])
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WORDS)
    options = models.JSONField(default=list, blank=True, help_text="The options of a choice poll, in order.")
    scale_max = models.PositiveSmallIntegerField(default=5, help_text="A scale runs from 1 to this.")
    scale_low_label = models.CharField(max_length=40, blank=True, validators=[reject_identifiers])
    scale_high_label = models.CharField(max_length=40, blank=True, validators=[reject_identifiers])
    words_per_attendee = models.PositiveSmallIntegerField(default=3)
    # Names cannot be detected, so a words answer can wait for a person to approve it before the
    # projector, the dashboards or an export shows it (docs/design.md, "Decisions worth knowing").
    # Choices and scale values hold no free text and never wait.
    approve_first = models.BooleanField(
        "Approve answers before they are shown",
        default=True,
        help_text="Words polls: each answer waits until the lead or a facilitator approves it.",
    )
    ask_role = models.BooleanField(
        default=False, help_text="Also ask “Which best describes your role?”, to compare stakeholder groups."
    )
    is_open = models.BooleanField(default=False)
    # A reset starts a new round: earlier answers are kept but no longer shown or counted.
    round = models.PositiveIntegerField(default=1)
    position = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self):
        return self.question

    @property
    def answers_per_phone(self) -> int:
        return self.words_per_attendee if self.kind == self.Kind.WORDS else 1

    @property
    def needs_approval(self) -> bool:
        return self.approve_first and self.kind == self.Kind.WORDS


class PollResponse(models.Model):
    """One answer from one phone: a word or phrase of a words poll, or a choice, or a scale value.

    ``slot`` makes the database keep the rules: a phone holds slot 1 of a choice or scale poll
    (answering again replaces it) and slots 1..N of a words poll, once each, per round."""

    tenant_path = "poll__workshop__organisation"

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="responses")
    round = models.PositiveIntegerField()
    phone = models.CharField(max_length=32, help_text="Random token from the phone's signed cookie; not a person.")
    slot = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=60, blank=True, validators=[reject_identifiers])
    # The answer as the word cloud shows it (case, punctuation and filler at the edges tidied) ...
    normalised = models.CharField(max_length=60, blank=True, db_index=True)
    # ... and the form answers are counted together by: every word lemmatised, so "schools" and
    # "school" meet. A facilitator's merges map these keys to a label (PollMerge).
    lemma = models.CharField(max_length=60, blank=True)
    choice = models.CharField(max_length=100, blank=True)
    value = models.PositiveSmallIntegerField(null=True, blank=True)
    role = models.CharField(max_length=30, choices=Discipline.choices, blank=True)
    hidden = models.BooleanField(default=False)
    # False while a words answer to a poll with ``approve_first`` waits in the queue. Shown on the
    # projector, the dashboards and the exports: approved and not hidden, nothing else.
    approved = models.BooleanField(default=True)
    # Set when the answer is stored: its text looks like a person's name (casereview/names.py). A
    # waiting answer so marked is left out of "Approve all" and approved only with its own tap.
    may_be_name = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(fields=["poll", "round", "phone", "slot"], name="one_answer_per_phone_slot"),
        ]
        indexes = [models.Index(fields=["poll", "round", "hidden"])]


class PollMerge(models.Model):
    """A facilitator's decision that answers counted under ``key`` are shown as ``label``
    ("safe" and "feeling safe" → "feeling safe"). A mapping only: the answers are untouched,
    and deleting the merge undoes it."""

    tenant_path = "poll__workshop__organisation"

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="merges")
    key = models.CharField(max_length=60)
    label = models.CharField(max_length=60, validators=[reject_identifiers])
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "key"], name="one_label_per_poll_key")]


class PollSettings(models.Model):
    """An LA's rules for poll answers shown on a shared screen."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="poll_settings")
    profanity_filter_on = models.BooleanField(default=True)
    blocked_words = models.TextField(
        blank=True,
        validators=[reject_identifiers],
        help_text="One word or phrase per line. Answers containing any of them are refused.",
    )

    objects = TenantQuerySet.as_manager()
