"""Running the day: workshops, breakout rooms, cases and the room's judgement on each case.

The polls, process maps and agreement between rooms are features of a workshop with a folder each
(``workshops/polls/``, ``workshops/process_maps/``, ``workshops/agreement/``). Their models belong
to this Django app all the same: they are imported at the end of this module, so
``from workshops.models import Poll`` works and Django keeps them in the ``workshops`` app and its
migrations."""

import itertools
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.utils import timezone

from casereview.identifiers import reject_identifiers
from casereview.models import Organisation, VocabularyTerm
from casereview.tenancy import TenantQuerySet
from casereview.vocabularies import VocabularyKind


class Discipline(models.TextChoices):
    """Who was in a breakout room, so reports can show the judgement was multi-agency."""

    SCHOOL = "school", "School / SENCO"
    EDUCATIONAL_PSYCHOLOGY = "educational_psychology", "Educational psychology"
    HEALTH = "health", "Health"
    SOCIAL_CARE = "social_care", "Social care"
    PARENT_CARER_FORUM = "parent_carer_forum", "Parent carer forum"
    SENDIASS = "sendiass", "SENDIASS"
    LA_SEND_TEAM = "la_send_team", "LA SEND team"
    OTHER = "other", "Other"


# Join codes are read off a projector and typed on phones, so the alphabet has no look-alikes:
# no 0/O, 1/I/L, 2/Z, 5/S or 8/B. Codes made before it (from ABCDEFGHJKMNPQRSTUVWXYZ23456789)
# keep working: they are looked up as stored, and a look-alike typed for one of them is forgiven.
JOIN_CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
JOIN_CODE_LENGTH = 6
_EARLIER_JOIN_CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
# What a person may have meant by each character they typed.
_LOOK_ALIKES = {"S": "S5", "5": "S5", "Z": "Z2", "2": "Z2", "B": "B8", "8": "B8", "O": "QD", "0": "QD"}


def new_join_code() -> str:
    while True:
        code = "".join(secrets.choice(JOIN_CODE_ALPHABET) for _ in range(JOIN_CODE_LENGTH))
        if not Workshop.objects.filter(join_code=code).exists():
            return code


def join_code_candidates(typed: str) -> list[str]:
    """The codes someone who typed ``typed`` may mean, the code as typed first: spaces, dashes and
    lower case forgiven, and each look-alike read both ways ("QSA9QP" may be "Q5A9QP"). Empty when
    it cannot be a code, so nothing else (a NUL byte, a long string) is ever looked up."""
    code = "".join(typed.split()).replace("-", "").upper()
    if len(code) != JOIN_CODE_LENGTH:
        return []
    choices = [_LOOK_ALIKES.get(character, character) for character in code]
    if not all(set(options) & set(_EARLIER_JOIN_CODE_ALPHABET) for options in choices):
        return []
    # At most 2**6 spellings, each a valid code of one alphabet or the other.
    candidates = [
        "".join(spelling)
        for spelling in itertools.product(
            *([c for c in options if c in _EARLIER_JOIN_CODE_ALPHABET] for options in choices)
        )
    ]
    return sorted(candidates, key=lambda candidate: candidate != code)


class Workshop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        LIVE = "live", "Live"
        CLOSED = "closed", "Closed"

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="workshops")
    title = models.CharField(max_length=200, validators=[reject_identifiers])
    date = models.DateField()
    focus = models.CharField(
        max_length=200, blank=True, validators=[reject_identifiers], help_text="For example: secondary transition."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    join_code = models.CharField(max_length=JOIN_CODE_LENGTH, unique=True, default=new_join_code, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "title"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "title"], name="workshop_title_unique_per_la"),
        ]

    def __str__(self):
        return f"{self.title} ({self.date:%-d %b %Y})"


class BreakoutRoom(models.Model):
    tenant_path = "workshop__organisation"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="rooms")
    name = models.CharField(max_length=100, validators=[reject_identifiers])
    facilitators = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="facilitated_rooms")
    # The case the room has open right now ("in discussion" on the control room).
    current_allocation = models.ForeignKey(
        "CaseAllocation", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["workshop", "name"]
        constraints = [models.UniqueConstraint(fields=["workshop", "name"], name="room_name_unique_per_workshop")]

    def __str__(self):
        return self.name


class RoomDiscipline(models.Model):
    """How many people of one discipline were in a room."""

    tenant_path = "room__workshop__organisation"

    room = models.ForeignKey(BreakoutRoom, on_delete=models.CASCADE, related_name="disciplines")
    discipline = models.CharField(max_length=30, choices=Discipline.choices)
    count = models.PositiveSmallIntegerField(validators=[MaxValueValidator(200)])

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["room", "discipline"], name="one_count_per_discipline")]


REFERENCE_VALIDATOR = RegexValidator(
    r"^[A-Za-z0-9][A-Za-z0-9_/-]{0,19}$",
    "Use a pseudonymous reference such as C-017: up to 20 letters, digits, hyphens, slashes or underscores, "
    "no spaces (never a name).",
)


class Case(models.Model):
    """One anonymised child or young person, known only by a pseudonymous reference."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="cases")
    reference = models.CharField(max_length=20, validators=[REFERENCE_VALIDATOR, reject_identifiers])
    phase = models.ForeignKey(
        VocabularyTerm, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": VocabularyKind.PHASE}
    )
    year_group = models.CharField(max_length=10, blank=True, help_text="N, R, 1 to 14, or blank.")
    primary_need = models.ForeignKey(
        VocabularyTerm,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": VocabularyKind.PRIMARY_NEED},
    )
    support_level = models.ForeignKey(
        VocabularyTerm,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": VocabularyKind.SUPPORT_LEVEL},
    )
    current_provision = models.ForeignKey(
        VocabularyTerm, on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": VocabularyKind.PROVISION}
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["reference"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "reference"], name="case_reference_unique_per_la"),
        ]

    def __str__(self):
        return self.reference


class CaseAllocation(models.Model):
    """A case brought to one workshop, in one of its rooms (or not yet allocated to a room).

    The same case may come back in a later workshop: that is another allocation. Within one
    workshop a case has one ``FIRST`` allocation (its first room); when other rooms review it too
    (a calibration case, a blind double review) each has an ``OTHER_ROOM`` allocation whose
    ``first_allocation`` is the first, and a moderated answer is a ``MODERATION`` allocation (no
    room) holding that answer as a review; the first's ``other_allocations`` are both kinds.
    Exactly one review of the case counts in the reports (``counts_in_reports``): the moderated
    answer, else the first room's, else (the first room never answered) the earliest other room's
    (``review_save`` keeps it so, with workshops/agreement/counting.py)."""

    class Kind(models.TextChoices):
        # The stored values are older than the names: "another_room" is an OTHER_ROOM allocation.
        FIRST = "first", "First room"
        OTHER_ROOM = "another_room", "Another room"
        MODERATION = "moderation", "Moderated answer"

    tenant_path = "workshop__organisation"

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="allocations")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="allocations")
    room = models.ForeignKey(BreakoutRoom, null=True, blank=True, on_delete=models.SET_NULL, related_name="allocations")
    position = models.PositiveIntegerField(default=0, help_text="Order in which the room takes its cases.")
    # Database defaults too: rows written by plain SQL (the benchmark's COPY) are first allocations.
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.FIRST, db_default=Kind.FIRST)
    first_allocation = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="other_allocations",
        help_text="For another room's review or the moderated answer: the case's first allocation in the workshop.",
    )
    # On the first allocation: every room reviews the case, and the answers are compared openly.
    calibration = models.BooleanField(default=False, db_default=False)
    counts_in_reports = models.BooleanField(default=True, db_default=True)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["position", "case__reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["workshop", "case"], condition=models.Q(kind="first"), name="case_once_per_workshop"
            ),
            models.UniqueConstraint(
                fields=["first_allocation", "room"],
                condition=models.Q(kind="another_room"),
                name="another_room_once_per_case",
            ),
            models.UniqueConstraint(
                fields=["first_allocation"], condition=models.Q(kind="moderation"), name="one_moderated_answer_per_case"
            ),
            # The constraints' names are the database's: they keep the words of the first version.
            models.CheckConstraint(
                condition=models.Q(kind="first", first_allocation__isnull=True)
                | (~models.Q(kind="first") & models.Q(first_allocation__isnull=False)),
                name="only_first_allocations_have_no_primary",
            ),
        ]

    def __str__(self):
        return f"{self.case.reference} in {self.workshop.title}"

    @property
    def is_calibration(self) -> bool:
        """Reviewed by every room and compared openly (a blind second review is not)."""
        return self.calibration if self.first_allocation_id is None else self.first_allocation.calibration


class ReviewStatus(models.TextChoices):
    TO_DO = "to_do", "To do"
    IN_DISCUSSION = "in_discussion", "In discussion"
    DONE = "done", "Done"
    NO_CONSENSUS = "no_consensus", "No consensus"

    @classmethod
    def of(cls, consensus_reached: bool | None, discussed_now: bool = False) -> "ReviewStatus":
        """A case's status in its room: from its review (None: not reviewed yet), else whether the
        room has it open now. The one rule for the console, the control room and a review."""
        if consensus_reached is not None:
            return cls.DONE if consensus_reached else cls.NO_CONSENSUS
        return cls.IN_DISCUSSION if discussed_now else cls.TO_DO


class CaseReview(models.Model):
    """The room's judgement on one case in one workshop.

    ``version`` grows by one with every save: a save based on an older version is a conflict,
    shown to the person saving, never a silent overwrite (docs/design.md, “The write path: nothing
    lost”)."""

    tenant_path = "allocation__workshop__organisation"

    allocation = models.OneToOneField(CaseAllocation, on_delete=models.CASCADE, related_name="review")
    consensus_reached = models.BooleanField()
    ideal_outcome = models.BooleanField(null=True, blank=True)
    non_ideal_areas = models.ManyToManyField(
        VocabularyTerm, blank=True, related_name="+", limit_choices_to={"kind": VocabularyKind.NON_IDEAL_AREA}
    )
    better_provision = models.ForeignKey(
        VocabularyTerm,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        limit_choices_to={"kind": VocabularyKind.PROVISION},
    )
    themes = models.ManyToManyField(
        VocabularyTerm, blank=True, related_name="+", limit_choices_to={"kind": VocabularyKind.THEME}
    )
    notes = models.TextField(blank=True, max_length=2000, validators=[reject_identifiers])
    # The case's provision when it was reviewed: the provision table stays true after the case moves.
    provision_at_review = models.ForeignKey(VocabularyTerm, on_delete=models.PROTECT, related_name="+")
    # Likewise its phase, primary need and support level: re-importing a case (a new school year, an
    # EHCP issued) must not move its past reviews to another phase or support level in the reports.
    phase_at_review = models.ForeignKey(VocabularyTerm, on_delete=models.PROTECT, related_name="+")
    primary_need_at_review = models.ForeignKey(VocabularyTerm, on_delete=models.PROTECT, related_name="+")
    support_level_at_review = models.ForeignKey(VocabularyTerm, on_delete=models.PROTECT, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField()
    version = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    objects = TenantQuerySet.as_manager()

    @property
    def status(self) -> str:
        return ReviewStatus.of(self.consensus_reached)


class ReviewAudit(models.Model):
    """Who created or changed a review, when, and what changed (old and new, in words)."""

    tenant_path = "review__allocation__workshop__organisation"

    review = models.ForeignKey(CaseReview, on_delete=models.CASCADE, related_name="audit")
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    version = models.PositiveIntegerField()
    source = models.CharField(max_length=20, default="console", help_text="console or import")
    changes = models.JSONField(help_text='{"field label": ["before", "after"]}')

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-changed_at", "-version"]


# The features' models, last: they refer to the models above.
from workshops.agreement.models import DoubleReviewDraw, Moderator  # noqa: E402
from workshops.polls.models import Poll, PollMerge, PollResponse, PollSettings  # noqa: E402
from workshops.process_maps.models import FindingKind, ProcessFinding, ProcessMap, ProcessStep  # noqa: E402

__all__ = [
    "BreakoutRoom",
    "Case",
    "CaseAllocation",
    "CaseReview",
    "Discipline",
    "DoubleReviewDraw",
    "FindingKind",
    "JOIN_CODE_ALPHABET",
    "JOIN_CODE_LENGTH",
    "Moderator",
    "Poll",
    "PollMerge",
    "PollResponse",
    "PollSettings",
    "ProcessFinding",
    "ProcessMap",
    "ProcessStep",
    "ReviewAudit",
    "ReviewStatus",
    "RoomDiscipline",
    "Workshop",
    "join_code_candidates",
    "new_join_code",
]
