"""Becoming a participant, and the practical details a participant gives once."""

from django.db import transaction
from django.utils import timezone

from kohorte.core.audit import log_action
from kohorte.teaching.models import Participation

DETAIL_FIELDS = ("dietary_needs", "accessibility_needs", "arrives_evening_before")


def enrol_participant(cohort, user, *, application=None, actor=None) -> Participation:
    """Make ``user`` a participant of ``cohort`` (once; a second call returns the same row) and
    audit it."""
    with transaction.atomic():
        participation, created = Participation.objects.get_or_create(
            cohort=cohort, user=user, defaults={"application": application}
        )
        if created:
            log_action(
                "teaching.enrolled",
                actor=actor,
                target=participation,
                data={"application": application.pk if application else None},
            )
    return participation


def save_practical_details(
    participation: Participation, *, actor, dietary_needs, accessibility_needs, arrives
) -> Participation:
    """Store the participant's dietary and accessibility needs and whether they arrive the
    evening before. The audit row names the changed fields, never their values (health data)."""
    values = {
        "dietary_needs": dietary_needs.strip(),
        "accessibility_needs": accessibility_needs.strip(),
        "arrives_evening_before": arrives,
    }
    changed = [f for f in DETAIL_FIELDS if getattr(participation, f) != values[f]]
    with transaction.atomic():
        for field, value in values.items():
            setattr(participation, field, value)
        participation.details_given_at = timezone.now()
        participation.save(update_fields=[*DETAIL_FIELDS, "details_given_at"])
        log_action(
            "teaching.details_saved", actor=actor, target=participation, data={"fields": changed}
        )
    return participation
