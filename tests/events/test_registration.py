"""Registration for talks and info sessions: capacity, waiting list, double opt-in,
cancellation, the online link only for confirmed registrants, the reminder with an .ics file."""

import re
import threading
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar

from kohorte.comms.delivery import deliver_due
from kohorte.comms.models import OutboxMessage
from kohorte.core.models import AuditLog
from kohorte.core.tokens import hash_token
from kohorte.events import services
from kohorte.events.models import Registration

pytestmark = pytest.mark.django_db
ONLINE = "https://meet.example.org/geheim-123"


def _mail_link(smtp_server, to, pattern):
    deliver_due()
    mails = [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == to]
    body = mails[-1].get_body(preferencelist=("plain",)).get_content()
    return re.search(pattern, body).group(0)


def test_capacity_then_waiting_list_in_order_and_move_up(talk, make_participant):
    people = [make_participant(n) for n in range(5)]
    results = [services.register_account(talk, user=p.user) for p in people]
    assert [r.status for r in results] == [
        "confirmed",
        "confirmed",
        "waiting",
        "waiting",
        "waiting",
    ]
    assert services.waiting_position(results[3]) == 2
    moved = services.cancel_registration(results[0], actor=people[0].user)
    assert moved.pk == results[2].pk
    assert Registration.objects.get(pk=results[2].pk).status == "confirmed"
    assert OutboxMessage.objects.filter(event_key="events.moved_up").get().recipient_email == (
        "p2@bund.example"
    )
    # a waiting person who cancels frees no place: nobody moves up
    assert services.cancel_registration(results[3], actor=people[3].user) is None
    statuses = dict(Registration.objects.values_list("email", "status"))
    assert statuses == {
        "p0@bund.example": "cancelled",
        "p1@bund.example": "confirmed",
        "p2@bund.example": "confirmed",
        "p3@bund.example": "cancelled",
        "p4@bund.example": "waiting",
    }
    actions = list(
        AuditLog.objects.filter(action__startswith="events.").values_list("action", flat=True)
    )
    assert actions.count("events.registered") == 5
    assert actions.count("events.moved_up") == 1


@pytest.mark.django_db(transaction=True)
def test_capacity_never_exceeded_under_concurrency(talk, make_participant):
    people = [make_participant(n) for n in range(8)]
    barrier = threading.Barrier(len(people))

    def go(user):
        from django.db import connections

        barrier.wait()
        try:
            services.register_account(talk, user=user)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=go, args=(p.user,)) for p in people]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert Registration.objects.filter(event=talk, status="confirmed").count() == 2
    assert Registration.objects.filter(event=talk, status="waiting").count() == 6


def test_registering_twice_is_refused(talk, participant):
    services.register_account(talk, user=participant.user)
    with pytest.raises(Exception, match="bereits angemeldet"):
        services.register_account(talk, user=participant.user)


def test_public_double_opt_in(talk, client, smtp_server):
    response = client.post(
        f"/veranstaltungen/{talk.uid}/", {"name": "Paula Public", "email": "paula@example.net"}
    )
    assert "Bitte prüfen Sie Ihr Postfach" in response.content.decode()
    registration = Registration.objects.get(email="paula@example.net")
    assert registration.status == "pending" and registration.kind == "public"
    link = _mail_link(smtp_server, "paula@example.net", r"https?://\S+/bestaetigen/\S+/")
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert registration.confirm_token_hash == hash_token(token)
    path = re.sub(r"^https?://[^/]+", "", link)
    assert "Anmeldung bestätigen" in client.get(path).content.decode()
    assert Registration.objects.get(pk=registration.pk).status == "pending"  # GET writes nothing
    page = client.post(path).content.decode()
    assert "Sie sind für „Daten teilen in der Verwaltung“ angemeldet." in page
    assert Registration.objects.get(pk=registration.pk).status == "confirmed"
    # used: one clear page
    used = client.get(path)
    assert used.status_code == 410
    assert "Dieser Link wurde bereits verwendet." in used.content.decode()
    # the confirmation mail carries the cancellation link
    cancel = _mail_link(smtp_server, "paula@example.net", r"https?://\S+/abmeldung/\S+/")
    cancel_path = re.sub(r"^https?://[^/]+", "", cancel)
    assert "möchten Sie sich von" in client.get(cancel_path).content.decode()
    assert "Sie sind von" in client.post(cancel_path).content.decode()
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"
    assert client.get(cancel_path).status_code == 404  # the link is spent


def test_unknown_and_expired_confirmation_links(talk, client):
    unknown = client.get("/veranstaltungen/bestaetigen/nichtda/")
    assert unknown.status_code == 404
    assert "Diesen Link kennen wir nicht." in unknown.content.decode()
    registration, token = services.register_public(talk, name="Eva Spät", email="eva@example.net")
    Registration.objects.filter(pk=registration.pk).update(
        confirm_expires_at=timezone.now() - timedelta(minutes=1)
    )
    expired = client.post(f"/veranstaltungen/bestaetigen/{token}/")
    assert expired.status_code == 410
    assert "Dieser Link ist abgelaufen." in expired.content.decode()
    assert Registration.objects.get(pk=registration.pk).status == "pending"
    # the place never counted; a new registration with the same address replaces it
    again, _token = services.register_public(talk, name="Eva Spät", email="eva@example.net")
    assert again is not None
    assert Registration.objects.get(pk=registration.pk).status == "cancelled"


def test_pending_public_registration_holds_no_place(talk, make_participant):
    services.register_public(talk, name="A", email="a@example.net")
    services.register_public(talk, name="B", email="b@example.net")
    first, second = (make_participant(n) for n in range(2))
    assert services.register_account(talk, user=first.user).status == "confirmed"
    assert services.register_account(talk, user=second.user).status == "confirmed"


def test_public_refused_unless_staff_allow(talk, client):
    conf = talk.registration_settings
    conf.open_to_public = False
    conf.save()
    page = client.get(f"/veranstaltungen/{talk.uid}/").content.decode()
    assert "Für diese Veranstaltung können Sie sich nicht anmelden." in page
    assert 'name="email"' not in page


def test_online_link_only_for_confirmed(talk, participant, make_participant, client):
    path = f"/veranstaltungen/{talk.uid}/"
    assert ONLINE not in client.get(path).content.decode()
    client.force_login(participant.user)
    page = client.get(path).content.decode()
    assert ONLINE not in page and "Jetzt anmelden" in page
    client.post(f"{path}anmelden/")
    page = client.get(path).content.decode()
    assert "Sie sind angemeldet." in page and ONLINE in page
    # a waiting person does not see it
    for n in range(2):
        services.register_account(talk, user=make_participant(n).user)
    waiting = Registration.objects.get(email="p1@bund.example")
    assert waiting.status == "waiting"
    client.force_login(waiting.user)
    page = client.get(path).content.decode()
    assert ONLINE not in page and "Platz 1 der Warteliste" in page
    # cancelling with the button
    client.force_login(participant.user)
    client.post(f"{path}abmelden/")
    assert ONLINE not in client.get(path).content.decode()
    assert Registration.objects.get(pk=waiting.pk).status == "confirmed"


def test_reminder_the_day_before_with_ics(talk, participant, smtp_server):
    services.register_account(talk, user=participant.user)
    day_before = talk.starts_at - timedelta(days=1)
    assert services.send_event_reminders(now=talk.starts_at - timedelta(days=2)) == 0
    assert services.send_event_reminders(now=day_before) == 1
    assert services.send_event_reminders(now=day_before) == 0  # once
    deliver_due()
    mail = [m for m in smtp_server.messages if m["Subject"].startswith("Morgen:")][-1]
    assert mail["Subject"] == "Morgen: Daten teilen in der Verwaltung"
    assert ONLINE in mail.get_body(preferencelist=("plain",)).get_content()
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename() == "veranstaltung.ics"
    assert attachment.get_content_type() == "text/calendar"
    cal = Calendar.from_ical(attachment.get_content())
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == f"event-{talk.uid}@kohorte"
    assert str(event["SUMMARY"]) == "Daten teilen in der Verwaltung"
    assert event["DTSTART"].dt == talk.starts_at
    assert event["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert str(event["LOCATION"]) == ONLINE
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]


def test_calendar_feed_contains_exactly_registered_talks(
    talk, participant, make_participant, client
):
    from kohorte.catalog.models import Event
    from kohorte.teaching.services import create_calendar_link

    other = Event.objects.create(
        program=talk.program,
        kind=Event.Kind.INFO_SESSION,
        title="Infoabend",
        starts_at=talk.starts_at + timedelta(days=1),
        ends_at=talk.ends_at + timedelta(days=1),
    )
    waiting_talk = Event.objects.create(
        program=talk.program,
        kind=Event.Kind.SPEAKER_SERIES,
        title="Warteliste-Vortrag",
        starts_at=talk.starts_at + timedelta(days=2),
        ends_at=talk.ends_at + timedelta(days=2),
    )
    from kohorte.events.models import EventSettings

    EventSettings.objects.create(event=waiting_talk, registration_open=True, capacity=1)
    EventSettings.objects.create(event=other, registration_open=True, capacity=5)
    services.register_account(talk, user=participant.user)
    services.register_account(waiting_talk, user=make_participant(1).user)
    services.register_account(waiting_talk, user=participant.user)  # waiting
    cancelled = services.register_account(other, user=participant.user)
    services.cancel_registration(cancelled, actor=participant.user)
    token = create_calendar_link(participant, actor=participant.user)
    response = client.get(f"/kalender/{token}.ics")
    cal = Calendar.from_ical(response.content)
    uids = sorted(str(e["UID"]) for e in cal.walk("VEVENT") if str(e["UID"]).startswith("event-"))
    assert uids == [f"event-{talk.uid}@kohorte"]


def test_past_event_says_it_took_place_without_the_join_link(talk, participant, client):
    """After the event the registered person reads that it took place, not how to join."""
    services.register_account(talk, user=participant.user)
    talk.starts_at -= timedelta(days=10)
    talk.ends_at -= timedelta(days=10)
    talk.save()
    client.force_login(participant.user)
    page = client.get(f"/veranstaltungen/{talk.uid}/").content.decode()
    assert "Sie waren angemeldet; die Veranstaltung hat bereits stattgefunden." in page
    assert ONLINE not in page and "Sie sind angemeldet." not in page
