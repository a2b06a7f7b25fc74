"""The personal calendar: exactly the participant's sessions, stable UIDs, Europe/Berlin with
VTIMEZONE; only the token's hash stored; a revoked or replaced token gives 404."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from icalendar import Calendar

from kohorte.core.models import AuditLog
from kohorte.core.tokens import hash_token
from kohorte.teaching import services
from kohorte.teaching.models import CalendarLink

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")


def _feed_path(page: str) -> str:
    url = re.search(r'id="calendar-url"[^>]*value="([^"]+)"', page).group(1)
    return re.sub(r"^https?://[^/]+", "", url)


def _events(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    cal = Calendar.from_ical(response.content)
    return cal, list(cal.walk("VEVENT"))


def test_feed_has_exactly_her_sessions(cohort, participant, client, staff, django_user_model):
    four, five = services.elective_runs(cohort)
    close = timezone.now() + timedelta(days=1)
    services.set_elective_round(
        cohort, actor=staff, choices_close_at=close, capacities={four.pk: 1, five.pk: 5}
    )
    services.choose_electives(participant, [five.pk], actor=participant.user)
    other = services.enrol_participant(
        cohort, django_user_model.objects.create_user("o@bund.example", "x")
    )
    services.choose_electives(other, [four.pk], actor=other.user)
    client.force_login(participant.user)
    page = client.post("/mein-programm/kalender/", {"action": "create"}).content.decode()
    assert "Wir zeigen ihn nur dieses eine Mal" in page
    path = _feed_path(page)
    token = path.rsplit("/", 1)[1].removesuffix(".ics")
    assert CalendarLink.objects.get().token_hash == hash_token(token)
    assert token not in client.get("/mein-programm/kalender/").content.decode()  # shown once
    client.logout()  # the feed needs no log-in, only the token
    cal, events = _events(client, path)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    numbers = sorted({int(re.match(r"Modul (\d+):", str(e["SUMMARY"])).group(1)) for e in events})
    assert numbers == [1, 2, 3, 5, 6]  # the four mandatory modules and her elective, not 4
    expected = sum(r.sessions.count() for r in cohort.runs.exclude(pk=four.pk))
    assert len(events) == expected
    first = min(events, key=lambda e: e["DTSTART"].dt)
    assert first["DTSTART"].params["TZID"] == "Europe/Berlin"
    session = cohort.runs.get(module__number=1).sessions.order_by("date").first()
    assert first["DTSTART"].dt == datetime.combine(session.date, session.starts_at, BERLIN)
    assert str(first["UID"]) == f"session-{session.uid}@kohorte"
    # stable: a second export has the same UIDs; after the lottery the places count
    _, again = _events(client, path)
    assert [str(e["UID"]) for e in again] == [str(e["UID"]) for e in events]
    services.allocate_electives(cohort, actor=staff, seed=3, now=close)
    _, allotted = _events(client, path)
    assert sorted({str(e["SUMMARY"])[:8] for e in allotted}) == [
        "Modul 1:",
        "Modul 2:",
        "Modul 3:",
        "Modul 5:",
        "Modul 6:",
    ]


def test_revoked_and_replaced_tokens_give_404(participant, client):
    first = services.create_calendar_link(participant, actor=participant.user)
    second = services.create_calendar_link(participant, actor=participant.user)
    assert client.get(f"/kalender/{first}.ics").status_code == 404  # replaced
    assert client.get(f"/kalender/{second}.ics").status_code == 200
    client.force_login(participant.user)
    response = client.post("/mein-programm/kalender/", {"action": "revoke"})
    assert response.status_code == 302
    client.logout()
    assert client.get(f"/kalender/{second}.ics").status_code == 404
    assert client.get("/kalender/unbekannt.ics").status_code == 404
    actions = list(
        AuditLog.objects.filter(action__startswith="teaching.calendar")
        .values_list("action", flat=True)
        .order_by("pk")
    )
    assert actions == [
        "teaching.calendar_created",
        "teaching.calendar_created",
        "teaching.calendar_revoked",
    ]


def test_a_cached_feed_follows_catalogue_changes_and_new_registrations(client, cohort):
    """The personal feed is built once per process for its runs and events, until the catalogue
    changes: a moved teaching day shows at once, as does a newly registered talk."""
    from datetime import time as clock

    from django.contrib.auth import get_user_model

    from kohorte.catalog.models import Event
    from kohorte.events.models import EventSettings, Registration
    from kohorte.teaching import services as teaching

    user = get_user_model().objects.create_user("feed@bund.example", "x")
    participation = teaching.enrol_participant(cohort, user)
    token = teaching.create_calendar_link(participation, actor=user)
    url = f"/kalender/{token}.ics"
    first = client.get(url).content.decode()
    session = cohort.runs.get(module__number=1).sessions.order_by("date").first()
    assert f"UID:session-{session.uid}@kohorte" in first
    assert client.get(url).content.decode() == first  # from the process's cache
    session.starts_at = clock(8, 15)
    session.save(update_fields=["starts_at"])
    moved = client.get(url).content.decode()
    assert moved != first and f"{session.date:%Y%m%d}T081500" in moved
    talk = Event.objects.filter(program=cohort.program).first()
    EventSettings.objects.create(event=talk, registration_open=True)
    assert f"UID:event-{talk.uid}@kohorte" not in moved
    Registration.objects.create(
        event=talk, user=user, name="F", email=user.email, kind="participant", status="confirmed"
    )
    assert f"UID:event-{talk.uid}@kohorte" in client.get(url).content.decode()
