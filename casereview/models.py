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


class TermScope(models.TextChoices):
    BOTH = "both", "Review rooms and plans"
    ROOMS = "rooms", "Review rooms only"
    PLANS = "plans", "Plans only (e.g. a strategic review's themes)"


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
    # Themes only: a strategic review's themes (seed 004) are for plans, and stay out of the
    # review rooms' buttons; every other term is for both.
    scope = models.CharField(max_length=10, choices=TermScope.choices, default=TermScope.BOTH)

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


class SignInPreset(models.TextChoices):
    ENTRA = "entra", "Microsoft Entra ID"
    GOOGLE = "google", "Google Workspace"
    OTHER = "other", "Another OpenID Connect provider"


class MfaRequiredFor(models.TextChoices):
    LEADS = "leads", "Programme leads"
    EVERYONE = "everyone", "Everyone"
    NONE = "none", "Nobody (not recommended)"


class OrganisationSignIn(models.Model):
    """How an LA's staff sign in: its own OpenID Connect provider, and who needs a second factor.

    One row per LA at most; an LA without one signs in with passwords, and needs MFA as
    ``settings.MFA_REQUIRED_FOR_DEFAULT`` says. The client secret is kept encrypted
    (casereview.signin.secrets) or read from the environment variable ``client_secret_env`` names,
    never stored in clear. The provider is offered to allauth as a SocialApp built from this row
    (casereview.signin.adapters), whose provider id is the LA's slug."""

    organisation = models.OneToOneField(Organisation, on_delete=models.CASCADE, related_name="sign_in")
    preset = models.CharField(max_length=20, choices=SignInPreset.choices, default=SignInPreset.ENTRA)
    issuer = models.URLField(
        blank=True,
        help_text="The provider's issuer URL, e.g. https://login.microsoftonline.com/YOUR-TENANT-ID/v2.0 "
        "(your tenant id from Entra ID). Empty: no single sign-on.",
    )
    client_id = models.CharField(max_length=200, blank=True)
    client_secret_encrypted = models.TextField(blank=True)
    client_secret_env = models.CharField(
        max_length=100, blank=True, help_text="Name of an environment variable holding the client secret instead."
    )
    allowed_domains = models.CharField(
        max_length=500,
        blank=True,
        help_text="Email domains of the LA's staff, separated by commas, e.g. northshire.gov.uk.",
    )
    sso_required = models.BooleanField(
        default=False, help_text="Members may sign in only through the provider: no passwords, no password resets."
    )
    mfa_required_for = models.CharField(max_length=20, choices=MfaRequiredFor.choices, default=MfaRequiredFor.LEADS)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    def __str__(self):
        return f"Sign-in of {self.organisation}"

    @property
    def provider_id(self) -> str:
        return self.organisation.slug

    @property
    def domains(self) -> list[str]:
        return [d.strip().lower() for d in self.allowed_domains.split(",") if d.strip()]

    @property
    def sso_configured(self) -> bool:
        return bool(self.issuer and self.client_id)
