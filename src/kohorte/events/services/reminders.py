"""The reminder the day before: the online link and the event as an .ics attachment."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.events.ics import event_ics
from kohorte.events.models import EventSettings, Registration
from kohorte.events.services.registrations import _event_context


def send_event_reminders(now=None) -> int:
    """Mail every confirmed registrant of an event that starts tomorrow (Europe/Berlin) once,
    with the online link and an .ics file. Return how many mails were queued."""
    now = now or timezone.now()
    tz = timezone.get_default_timezone()
    tomorrow = timezone.localtime(now, tz).date() + timedelta(days=1)
    start = datetime.combine(tomorrow, time.min, tz)
    due = (
        Registration.objects.filter(
            status=Registration.Status.CONFIRMED,
            reminded_at__isnull=True,
            event__starts_at__gte=start,
            event__starts_at__lt=start + timedelta(days=1),
        )
        .select_related("event__location", "user")
        .order_by("pk")
    )
    online = dict(
        EventSettings.objects.filter(event_id__in={r.event_id for r in due}).values_list(
            "event_id", "online_url"
        )
    )
    count = 0
    for registration in due:
        with transaction.atomic():
            updated = Registration.objects.filter(
                pk=registration.pk, reminded_at__isnull=True, status=Registration.Status.CONFIRMED
            ).update(reminded_at=now)
            if not updated:
                continue
            context = _event_context(registration)
            online_url = online.get(registration.event_id, "")
            log_action(
                "events.reminded",
                actor=None,
                target=registration.event,
                data={"registration": registration.pk},
            )
            queue_mail(
                "events.reminder",
                to=registration.email,
                name=registration.name,
                user=registration.user,
                language=registration.language,
                concerning=registration,
                idempotency_key=f"events.reminder:{registration.pk}",
                context={**context, "online_url": online_url},
                attachments=[
                    (
                        "veranstaltung.ics",
                        event_ics(
                            registration.event, url=context["event_url"], online_url=online_url
                        ),
                        "text/calendar",
                    )
                ],
            )
        count += 1
    return count
