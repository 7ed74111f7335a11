"""A review keeps its moment (docs/design.md, "Report definitions"): a moderated answer takes the
case's phase, need, support level and provision as the rooms reviewed it. Before this, it took
them from the case as it was at moderation, so a case that had moved on between the rooms and the
panel was counted under its new attributes. This repairs those answers from the rooms' review (the
first room's, or the earliest other room's when the first never answered) and says how many.

Room reviews edited after their case moved cannot be repaired: the audit trail records answers,
not the case's attributes, so nothing shows what they were. From now on an edit never changes them.
"""

from django.db import migrations

MOMENT = ("phase_at_review_id", "primary_need_at_review_id", "support_level_at_review_id", "provision_at_review_id")


def repair(apps, schema_editor):
    CaseReview = apps.get_model("workshops", "CaseReview")
    repaired = 0
    moderated = CaseReview.objects.filter(allocation__kind="moderation").select_related("allocation")
    for review in moderated.iterator():
        first_id = review.allocation.first_allocation_id
        rooms = CaseReview.objects.filter(allocation__first_allocation_id=first_id, allocation__kind="another_room")
        candidates = list(CaseReview.objects.filter(allocation_id=first_id)) + list(rooms.order_by("pk"))
        if not candidates:
            continue
        rooms_moment = tuple(getattr(candidates[0], field) for field in MOMENT)
        if tuple(getattr(review, field) for field in MOMENT) != rooms_moment:
            CaseReview.objects.filter(pk=review.pk).update(**dict(zip(MOMENT, rooms_moment)))
            repaired += 1
    if repaired:
        print(f"\n  Repaired {repaired} moderated answer(s) to the case as the rooms reviewed it.")


class Migration(migrations.Migration):
    dependencies = [("workshops", "0008_caseallocation_first_allocation")]

    operations = [migrations.RunPython(repair, migrations.RunPython.noop)]
