"""Staff: the registrations and the waiting list of an event, the export, the settings."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kohorte.core.models import AuditLog
from kohorte.events import services
from kohorte.events.models import EventSettings

pytestmark = pytest.mark.django_db


def test_csv_export_with_german_headers_and_words(talk, make_participant, staff_user, client):
    for n in range(3):
        services.register_account(talk, user=make_participant(n).user)
    client.force_login(staff_user)
    response = client.get(f"/verwaltung/veranstaltungen/{talk.pk}/anmeldungen.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Name;E-Mail;Art;Status;Platz auf der Warteliste;angemeldet am"
    assert [line.split(";")[:5] for line in lines[1:]] == [
        ["Person0 Teil", "p0@bund.example", "Teilnehmer:in", "angemeldet", ""],
        ["Person1 Teil", "p1@bund.example", "Teilnehmer:in", "angemeldet", ""],
        ["Person2 Teil", "p2@bund.example", "Teilnehmer:in", "auf der Warteliste", "1"],
    ]
    assert " Uhr" in lines[1].split(";")[5]  # "5. Dezember 2026, 12:00 Uhr"
    xlsx = client.get(f"/verwaltung/veranstaltungen/{talk.pk}/anmeldungen.xlsx")
    assert xlsx.content[:2] == b"PK"


def test_registrations_page_query_count_is_flat(talk, make_participant, staff_user, client):
    client.force_login(staff_user)
    url = f"/verwaltung/veranstaltungen/{talk.pk}/"
    services.register_account(talk, user=make_participant(0).user)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        page = client.get(url).content.decode()
    assert "Person0 Teil" in page
    for n in range(1, 12):
        services.register_account(talk, user=make_participant(n).user)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert "Person11 Teil" in page and "Warteliste" in page
    assert len(many) == len(one)


def test_staff_save_settings_audited_without_the_link(talk, staff_user, client):
    client.force_login(staff_user)
    response = client.post(
        f"/verwaltung/veranstaltungen/{talk.pk}/",
        {
            "registration_open": "on",
            "capacity": "30",
            "open_to_participants": "on",
            "online_url": "https://meet.example.org/neu",
            "slides_url": "",
            "recording_url": "",
        },
    )
    assert response.status_code == 302
    conf = EventSettings.objects.get(event=talk)
    assert (conf.capacity, conf.open_to_public, conf.open_to_alumni) == (30, False, False)
    entry = AuditLog.objects.filter(action="events.settings_saved").get()
    assert "meet.example.org" not in str(entry.data)
    assert entry.data["after"]["online_url"] is True


def test_settings_form_says_who_may_register_and_where_links_appear(talk, staff_user, client):
    client.force_login(staff_user)
    page = client.get(f"/verwaltung/veranstaltungen/{talk.pk}/").content.decode()
    for text in (
        "Teilnehmer:innen können sich anmelden",
        "Alumni können sich anmelden",
        "Die Öffentlichkeit kann sich anmelden",
        "Externe bestätigen ihre E-Mail-Adresse, bevor ihr Platz gilt.",
        "Link zu den Folien",
        "Erscheint nach der Veranstaltung auf ihrer Seite und im Archiv.",
    ):
        assert text in page, text
