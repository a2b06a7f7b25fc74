"""Demo registrations for the speaker series and the info session: the 2024 cohort's
participants at its talks, an archived talk with slides and a recording, and an upcoming talk
that is full, with a waiting list and a few public registrants."""

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

DEMO_ONLINE = "https://meet.example.org/kohorte-brown-bag"


def load_events_demo(program, past_cohort) -> None:
    """Idempotent: does nothing once the demo's event settings exist."""
    from kohorte.catalog.models import Event
    from kohorte.events.models import EventSettings, Registration

    events = list(Event.objects.filter(program=program).order_by("starts_at"))
    if not events or EventSettings.objects.filter(event__program=program).exists():
        return
    users = [p.user for p in past_cohort.participations.select_related("user").order_by("pk")]
    if not users:
        return
    now = timezone.now()
    with transaction.atomic():
        # An upcoming talk (the catalog's dates lie in the past), full, with a waiting list.
        day = timezone.localdate() + timedelta(days=14)
        start = datetime.combine(day, time(12, 30), timezone.get_default_timezone())
        upcoming = Event.objects.create(
            program=program,
            kind=Event.Kind.SPEAKER_SERIES,
            title="Brown Bag Lunch: Sprachmodelle im Bürgerservice",
            description="Erfahrungen aus einem Pilotprojekt einer Landesverwaltung.",
            starts_at=start,
            ends_at=start + timedelta(hours=1),
        )
        past_talks = [e for e in events if e.kind == Event.Kind.SPEAKER_SERIES]
        archived = past_talks[0] if past_talks else None
        settings = [
            EventSettings(
                event=e,
                registration_open=False,
                capacity=40,
                open_to_public=e.kind == Event.Kind.INFO_SESSION,
                online_url=f"{DEMO_ONLINE}-{e.pk}",
                slides_url="https://example.org/folien/brown-bag-2024-10.pdf"
                if e == archived
                else "",
                recording_url="https://example.org/aufzeichnungen/brown-bag-2024-10"
                if e == archived
                else "",
            )
            for e in events
        ]
        settings.append(
            EventSettings(
                event=upcoming,
                registration_open=True,
                capacity=6,
                open_to_public=True,
                online_url=DEMO_ONLINE,
            )
        )
        EventSettings.objects.bulk_create(settings)
        rows = []
        for talk in past_talks:
            for i, user in enumerate(users[:12]):
                rows.append(
                    _row(
                        Registration,
                        talk,
                        user,
                        "alumnus",
                        "confirmed",
                        talk.starts_at - timedelta(days=10, minutes=i),
                    )
                )
        # the upcoming talk: four participants and two public registrants hold the six places,
        # three more participants wait in order
        queue = now - timedelta(days=2)
        for i, user in enumerate(users[:4]):
            rows.append(
                _row(
                    Registration,
                    upcoming,
                    user,
                    "alumnus",
                    "confirmed",
                    queue + timedelta(minutes=i),
                )
            )
        for i, (name, email) in enumerate(
            [
                ("Petra Öffentlich", "petra.oeffentlich@example.net"),
                ("Jonas Gast", "jonas.gast@example.net"),
            ]
        ):
            rows.append(
                Registration(
                    event=upcoming,
                    name=name,
                    email=email,
                    kind=Registration.Kind.PUBLIC,
                    status=Registration.Status.CONFIRMED,
                    queued_at=queue + timedelta(minutes=10 + i),
                )
            )
        for i, user in enumerate(users[4:7]):
            rows.append(
                _row(
                    Registration,
                    upcoming,
                    user,
                    "alumnus",
                    "waiting",
                    queue + timedelta(hours=1, minutes=i),
                )
            )
        Registration.objects.bulk_create(rows)


def _row(model, event, user, kind, status, queued_at):
    return model(
        event=event,
        user=user,
        name=user.get_full_name() or user.email,
        email=user.email,
        language=user.preferred_language or "de",
        kind=kind,
        status=status,
        queued_at=queued_at,
    )
