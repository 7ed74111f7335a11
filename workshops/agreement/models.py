"""Agreement between rooms: who may moderate a workshop's disagreements, and the record of each
random draw of cases for blind double review (so the draw can be shown and repeated)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from casereview.tenancy import TenantQuerySet


class Moderator(models.Model):
    """A member of a workshop's moderation panel: a facilitator the lead names, who may record the
    moderated answer of the workshop's disagreements (the lead always may)."""

    tenant_path = "workshop__organisation"

    workshop = models.ForeignKey("workshops.Workshop", on_delete=models.CASCADE, related_name="moderators")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    objects = TenantQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workshop", "user"], name="moderator_once_per_workshop")]


class DoubleReviewDraw(models.Model):
    """One random draw of cases sent to a second room: the share asked for and the seed, shown to
    the lead, so anyone can see how the cases were chosen and draw them again."""

    tenant_path = "workshop__organisation"

    workshop = models.ForeignKey("workshops.Workshop", on_delete=models.CASCADE, related_name="double_review_draws")
    share = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    seed = models.PositiveIntegerField()
    references = models.JSONField(default=list, help_text="The cases drawn, by reference, with their second room.")
    drawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    drawn_at = models.DateTimeField(default=timezone.now)

    objects = TenantQuerySet.as_manager()

    class Meta:
        ordering = ["-drawn_at"]
