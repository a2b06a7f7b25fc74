"""The staff pages: access, constant queries, template editing with preview, bulk compose."""

import html

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kohorte.comms import services
from kohorte.comms.models import Batch, MessageTemplate, OutboxMessage

pytestmark = pytest.mark.django_db
STAFF_URLS = [
    "/verwaltung/postausgang/",
    "/verwaltung/vorlagen/",
    "/verwaltung/sendungen/",
    "/verwaltung/sendungen/neu/",
    "/verwaltung/vorlagen/application.submitted/de/",
]


def _fill(n, start=0):
    for i in range(start, start + n):
        services.queue_mail(
            "account.password_reset",
            to=f"u{i}@example.org",
            context={"password_reset_url": "u"},
            idempotency_key=f"k{i}",
        )


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_are_hidden_from_others(client, django_user_model, url):
    assert client.get(url).status_code == 302  # anonymous: to the login
    client.force_login(django_user_model.objects.create_user("a@example.org", "x"))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("url", STAFF_URLS)
def test_staff_pages_render_for_staff(client, staff, url):
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200


def test_outbox_list_constant_queries(client, staff):
    client.force_login(staff)
    _fill(1)
    client.get("/verwaltung/postausgang/")
    with CaptureQueriesContext(connection) as one:
        client.get("/verwaltung/postausgang/")
    _fill(60, start=1)  # more than a page
    with CaptureQueriesContext(connection) as many:
        response = client.get("/verwaltung/postausgang/?seite=2")
    assert len(one) == len(many)
    assert "Seite 2 von 2 (61 Einträge)" in response.content.decode()


def test_outbox_filter_and_detail(client, staff):
    client.force_login(staff)
    services.queue_mail("account.password_reset", to="kaputt", context={"password_reset_url": "u"})
    _fill(2)
    body = client.get("/verwaltung/postausgang/?state=rejected").content.decode()
    assert "Keine gültige E-Mail-Adresse: „kaputt“" in body and "u0@example.org" not in body
    body = client.get("/verwaltung/postausgang/?q=u1@").content.decode()
    assert "u1@example.org" in body and "u0@example.org" not in body
    assert client.get("/verwaltung/postausgang/?state=%00&seite=abc").status_code == 200
    message = OutboxMessage.objects.get(recipient_email="u0@example.org")
    body = client.get(reverse("comms:outbox_detail", args=[message.uuid])).content.decode()
    assert html.escape(message.message_id) in body and "Passwort" in body


def test_failed_mail_can_be_resent_from_its_page(client, staff):
    client.force_login(staff)
    _fill(1)
    message = OutboxMessage.objects.get()
    OutboxMessage.objects.filter(pk=message.pk).update(state="failed", last_error="550 nope")
    client.post(reverse("comms:outbox_resend", args=[message.uuid]))
    message.refresh_from_db()
    assert message.state == "queued" and message.last_error == ""


def test_person_log_lists_mails_to_that_person(client, staff, django_user_model):
    client.force_login(staff)
    person = django_user_model.objects.create_user("bea@example.org", "x")
    services.queue_mail(
        "account.password_reset", to=person.email, user=person, context={"password_reset_url": "u"}
    )
    _fill(1)
    body = client.get(f"/verwaltung/personen/{person.pk}/mails/").content.decode()
    assert "bea@example.org" in body and "u0@example.org" not in body


def test_template_edit_refuses_error_shows_line_and_keeps_input(client, staff):
    client.force_login(staff)
    url = "/verwaltung/vorlagen/application.submitted/de/"
    response = client.post(url, {"subject": "Eingang", "body_text": "a\n{% if x %}", "save": "1"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Zeile 2: Der Befehl „if“ wird nicht geschlossen." in body
    assert 'aria-describedby="id_body_text_error"' in body
    assert "a\n{% if x %}" in body  # nothing typed is lost
    assert MessageTemplate.objects.count() == 0


def test_template_edit_previews_and_saves(client, staff):
    client.force_login(staff)
    url = "/verwaltung/vorlagen/application.submitted/de/"
    data = {
        "subject": "Danke – {{ cohort_name }}",  # a typed name is not allowed in a subject
        "body_text": "Danke, {{ recipient_name }}. Jahrgang: {{ cohort_name }}",
    }
    preview = client.post(url, {**data, "preview": "1"}, headers={"HX-Request": "true"})
    html = preview.content.decode()
    assert html.lstrip().startswith('<section id="preview"')  # the partial only
    assert "Danke – 2. Jahrgang 2027" in html
    assert "Danke, Dr. Erika Muster. Jahrgang: 2. Jahrgang 2027" in html
    assert MessageTemplate.objects.count() == 0
    response = client.post(url, {**data, "save": "1"})
    assert response.status_code == 302
    assert MessageTemplate.objects.get().updated_by == staff


def test_bulk_compose_preview_then_confirm(client, staff, django_user_model):
    client.force_login(staff)
    for i in range(3):
        django_user_model.objects.create_user(f"x{i}@example.org", "x")
    data = {
        "segment": "accounts:all",
        "category": "news",
        "subject": "Neu",
        "body_text": "Hallo {{ recipient_name }}",
        "action": "hold",
    }
    body = client.post("/verwaltung/sendungen/neu/", {**data, "preview": "1"}).content.decode()
    assert "4 Empfänger:innen (Alle aktiven Konten)" in body
    assert "So sieht die Mail an" in body and Batch.objects.count() == 0
    response = client.post("/verwaltung/sendungen/neu/", {**data, "confirm": "1"})
    batch = Batch.objects.get()
    assert response["Location"] == f"/verwaltung/sendungen/{batch.pk}/"
    assert batch.messages.filter(state="held").count() == 4
    client.post(f"/verwaltung/sendungen/{batch.pk}/freigeben/")
    batch.refresh_from_db()
    assert batch.state == "released" and batch.released_by == staff


def test_bulk_compose_schedule_needs_future_time(client, staff):
    client.force_login(staff)
    data = {
        "segment": "accounts:all",
        "category": "news",
        "subject": "Neu",
        "body_text": "x",
        "action": "schedule",
        "scheduled_for": "2020-01-01T09:00",
        "confirm": "1",
    }
    body = client.post("/verwaltung/sendungen/neu/", data).content.decode()
    assert "Bitte einen Zeitpunkt in der Zukunft wählen." in body
    assert Batch.objects.count() == 0


def test_password_reset_mail_goes_through_the_outbox(client, staff, smtp_server):
    from allauth.account.models import EmailAddress

    from kohorte.comms import delivery

    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    response = client.post("/konto/password/reset/", {"email": staff.email})
    assert response.status_code == 302
    message = OutboxMessage.objects.get(event_key="account.password_reset")
    assert message.recipient_email == staff.email
    assert "/konto/password/reset/key/" not in message.body_text
    assert "[[kohorte-secret:password_reset_url]]" in message.body_text
    delivery.deliver_due()
    assert smtp_server.messages[0]["Subject"] == "Passwort zurücksetzen"
    assert "/konto/password/reset/key/" in smtp_server.messages[0].get_content()
