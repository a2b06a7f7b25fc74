"""Bulk-mail segments of events: the registrants of an event (confirmed places)."""

from django.utils.translation import gettext as _

from kohorte.comms.segments import Recipient, Segment


def registrant_segments():
    from kohorte.catalog.models import Event

    events = Event.objects.filter(registrations__isnull=False).distinct().order_by("-starts_at")
    for event in events:
        yield Segment(
            f"event-registrants:{event.pk}",
            _("Angemeldete der Veranstaltung „%(event)s“") % {"event": event.title},
            lambda event_id=event.pk: _recipients(event_id),
        )


def _recipients(event_id):
    from kohorte.events.models import Registration

    registrations = Registration.objects.filter(
        event_id=event_id, status=Registration.Status.CONFIRMED
    ).order_by("name", "email")
    return [Recipient(r.email, r.name, r.language, r.user_id) for r in registrations]
