"""Writes that span models: creating an LA with its vocabularies, adding people, editing terms."""

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.text import slugify

from casereview.identifiers import reject_identifiers
from casereview.models import Membership, Organisation, Role, TermScope, User, VocabularyTerm
from casereview.vocabularies import DEFAULT_TERMS, OPEN_KINDS, VocabularyKind


@transaction.atomic
def organisation_create(*, slug: str, name: str) -> Organisation:
    slug = slug.strip().lower()
    name = name.strip()
    if not slug or slugify(slug) != slug:
        raise ValidationError(f"{slug!r} is not a valid slug: use lower-case letters, digits and hyphens.")
    if not name:
        raise ValidationError("The organisation needs a name.")
    if Organisation.objects.filter(slug=slug).exists():
        raise ValidationError(f"An organisation with the slug {slug!r} already exists.")
    if Organisation.objects.filter(name__iexact=name).exists():
        raise ValidationError(f"An organisation called {name!r} already exists.")
    organisation = Organisation.objects.create(slug=slug, name=name)
    vocabulary_seed(organisation)
    return organisation


def vocabulary_seed(organisation: Organisation) -> int:
    """Give the organisation every default term it lacks; returns how many were added.

    Safe to run again (e.g. after a release adds a default): terms the LA already has, relabelled
    or retired, are left exactly as the LA set them."""
    existing = set(VocabularyTerm.objects.filter(organisation=organisation).values_list("kind", "code"))
    missing = [
        VocabularyTerm(organisation=organisation, kind=kind, code=code, label=label, position=position)
        for kind, terms in DEFAULT_TERMS.items()
        for position, (code, label) in enumerate(terms, start=1)
        if (kind, code) not in existing
    ]
    VocabularyTerm.objects.bulk_create(missing)
    return len(missing)


def membership_add(*, organisation: Organisation, email: str, role: str) -> tuple[Membership, bool]:
    """Make the person with ``email`` a member of ``organisation``; creates the account if needed.

    Returns the membership and whether a new account was created (it then has no usable password
    until its owner follows a password link)."""
    email = email.strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError(f"{email!r} is not a valid email address.") from None
    if role not in Role.values:
        raise ValidationError(f"{role!r} is not a role. Choose one of: {', '.join(Role.values)}.")
    with transaction.atomic():
        user = User.objects.filter(email=email).first()
        created = user is None
        if created:
            user = User.objects.create_user(email=email)
            user.set_unusable_password()
            user.save(update_fields=["password"])
        existing = Membership.objects.filter(user=user).select_related("organisation").first()
        if existing and existing.organisation_id == organisation.pk:
            raise ValidationError(
                f"{email} is already a member of {organisation.name} ({existing.get_role_display()})."
            )
        if existing:
            raise ValidationError(
                f"{email} already belongs to {existing.organisation.name}; an account belongs to one "
                "local authority. Use a different email address."
            )
        membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    return membership, created


def password_link_for(user: User) -> str:
    """A one-time link with which the person sets their own password (valid PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return settings.SITE_URL + path


def vocabulary_term_add(
    *, organisation: Organisation, kind: str, label: str, scope: str = TermScope.BOTH
) -> VocabularyTerm:
    """A term the LA adds; ``scope`` (a theme's: review rooms, plans or both) says where forms offer it."""
    if kind not in OPEN_KINDS:
        raise ValidationError("Only non-ideal areas and themes can be added to; the other lists use national codes.")
    label = label.strip()
    reject_identifiers(label)  # the code is made from the label, so neither may carry one
    if VocabularyTerm.objects.filter(organisation=organisation, kind=kind, label__iexact=label).exists():
        raise ValidationError(f"There is already an entry called {label!r} in this list.")
    code_base = slugify(label).replace("-", "_").upper()[:50] or "TERM"
    taken = set(VocabularyTerm.objects.filter(organisation=organisation, kind=kind).values_list("code", flat=True))
    code, suffix = code_base, 2
    while code in taken:
        code, suffix = f"{code_base}_{suffix}", suffix + 1
    last = VocabularyTerm.objects.filter(organisation=organisation, kind=kind).order_by("-position").first()
    try:
        with transaction.atomic():
            return VocabularyTerm.objects.create(
                organisation=organisation,
                kind=kind,
                code=code,
                label=label,
                position=(last.position + 1 if last else 1),
                scope=scope if kind == VocabularyKind.THEME else TermScope.BOTH,
            )
    except IntegrityError:
        raise ValidationError(f"There is already an entry called {label!r} in this list.") from None


def vocabulary_term_set_retired(*, term: VocabularyTerm, retired: bool) -> VocabularyTerm:
    term.retired_at = (term.retired_at or timezone.now()) if retired else None
    term.save(update_fields=["retired_at"])
    return term
