"""Process maps: a process walked step by step in a workshop, and what the room found at each step.
The models belong to the ``workshops`` app (see workshops/models.py)."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from casereview.identifiers import reject_identifiers
from casereview.models import VocabularyTerm
from casereview.tenancy import TenantQuerySet
from casereview.vocabularies import VocabularyKind
from workshops.models import Workshop


class ProcessMap(models.Model):
    """A process mapped in a workshop (e.g. the graduated response at secondary transition):
    its ordered steps, and per step what works, what breaks and why."""

    tenant_path = "workshop__organisation"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="process_maps")
    title = models.CharField(max_length=200, validators=[reject_identifiers])
    process = models.CharField(
        max_length=300,
        blank=True,
        validators=[reject_identifiers],
        help_text="The process it describes, e.g. the graduated response.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["created_at"]

    def __str__(self):
        return self.title


class ProcessStep(models.Model):
    class Responsible(models.TextChoices):
        SCHOOL = "school", "School or setting"
        LA = "la", "Local authority"
        HEALTH = "health", "Health"
        SOCIAL_CARE = "social_care", "Social care"
        FAMILY = "family", "Family"
        SEVERAL = "several", "Several services"
        OTHER = "other", "Other"

    tenant_path = "process_map__workshop__organisation"

    process_map = models.ForeignKey(ProcessMap, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    title = models.CharField(max_length=200, validators=[reject_identifiers])
    responsible = models.CharField(max_length=20, choices=Responsible.choices, blank=True)
    # Grows with every rename: a rename based on an older version is a conflict, not an overwrite.
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title


class FindingKind(models.TextChoices):
    WORKING_WELL = "working_well", "Working well"
    CHALLENGE = "challenge", "Challenge"
    BLOCKER = "blocker", "Blocker"
    ROOT_CAUSE = "root_cause", "Root cause"
    CHANGE_NEEDED = "change_needed", "Change needed"


class ProcessFinding(models.Model):
    tenant_path = "step__process_map__workshop__organisation"

    step = models.ForeignKey(ProcessStep, on_delete=models.CASCADE, related_name="findings")
    kind = models.CharField(max_length=20, choices=FindingKind.choices)
    text = models.CharField(max_length=500, validators=[reject_identifiers])
    themes = models.ManyToManyField(
        VocabularyTerm, blank=True, related_name="+", limit_choices_to={"kind": VocabularyKind.THEME}
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
