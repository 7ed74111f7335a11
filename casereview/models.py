from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from casereview.identifiers import reject_identifiers
from casereview.tenancy import TenantQuerySet
from casereview.vocabularies import OPEN_KINDS, VocabularyKind


class UserManager(BaseUserManager):
    """People sign in with their email address; there is no separate username."""

    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField("email address", unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    def __str__(self):
        return self.get_full_name() or self.email


class Organisation(models.Model):
    """A local authority. Everything of an LA reaches one of these, and nothing crosses it."""

    name = models.CharField(max_length=200, unique=True, validators=[reject_identifiers])
    slug = models.SlugField(max_length=60, unique=True)
    retention_months = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
        help_text="A workshop and everything of it is deleted this many months after its date.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    LEAD = "lead", "Programme lead"
    FACILITATOR = "facilitator", "Facilitator"
    VIEWER = "viewer", "SEND lead (viewer)"


class Membership(models.Model):
    """A person's place in one LA. An account belongs to exactly one LA, so that every request
    has one unambiguous organisation to scope its data to."""

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="membership")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "user__email"]

    def __str__(self):
        return f"{self.user.email}: {self.get_role_display()} at {self.organisation}"

    @property
    def is_lead(self) -> bool:
        return self.role == Role.LEAD


class VocabularyTerm(models.Model):
    """One entry of one of an LA's SEND vocabularies (docs/design.md, “What it is”).

    Terms are retired, never deleted: reviews recorded with a term keep it in their history and
    in reports, while new forms stop offering it."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="vocabulary")
    kind = models.CharField(max_length=20, choices=VocabularyKind.choices)
    code = models.CharField(max_length=60, help_text="Stable code used in imports and exports.")
    label = models.CharField(max_length=120, validators=[reject_identifiers])
    position = models.PositiveIntegerField(default=0)
    retired_at = models.DateTimeField(null=True, blank=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "position", "label"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "kind", "code"], name="vocabulary_code_unique_per_kind"),
            models.UniqueConstraint(fields=["organisation", "kind", "label"], name="vocabulary_label_unique_per_kind"),
        ]

    def __str__(self):
        return self.label

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None

    @property
    def kind_is_open(self) -> bool:
        return self.kind in OPEN_KINDS


class DeletionRecord(models.Model):
    """What was deleted for good, when, by whom or by the retention rule: the audit of deletions.

    It describes the deleted data in counts and titles only (titles are guarded against identifiers)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="deletions")
    what = models.CharField(max_length=300)
    reason = models.CharField(max_length=200)
    deleted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    deleted_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-deleted_at"]
