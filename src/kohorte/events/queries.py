"""Reads across events, registrations and the catalog."""

from django.db.models import Count, Q

from kohorte.catalog.models import Event
from kohorte.events.models import Registration


def registered_events(participation):
    """The talks and info sessions this participant's account is registered for (a confirmed
    place: not pending, waiting or cancelled); for the personal calendar feed."""
    return Event.objects.filter(
        registrations__user_id=participation.user_id,
        registrations__status=Registration.Status.CONFIRMED,
    )


def staff_registrations(event):
    """Every registration of the event, places first, then the waiting list in its order."""
    return (
        Registration.objects.filter(event=event)
        .exclude(status=Registration.Status.CANCELLED)
        .order_by("status", "queued_at", "created_at", "id")
    )


def events_with_counts(events):
    return events.select_related("program", "registration_settings").annotate(
        confirmed=Count("registrations", filter=Q(registrations__status="confirmed")),
        waiting=Count("registrations", filter=Q(registrations__status="waiting")),
    )


def archive(program):
    """Past events of the programme with slides or a recording."""
    from django.utils import timezone

    return (
        Event.objects.filter(program=program, ends_at__lt=timezone.now())
        .filter(
            Q(registration_settings__slides_url__gt="")
            | Q(registration_settings__recording_url__gt="")
        )
        .select_related("registration_settings")
        .prefetch_related("speakers")
        .order_by("-starts_at")
    )
