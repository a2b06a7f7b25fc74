"""Secret links in mail (issue 9, item 2): staff read every kind of mail in the outbox and find
no working secret; the mail the SMTP server (aiosmtpd) receives carries the working link."""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone

from kohorte.comms import delivery, secrets
from kohorte.comms import services as mail
from kohorte.comms.models import OutboxMessage

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
RESET_LABEL = "[Link zum Zurücksetzen, nur für die Empfängerin / den Empfänger]"
VERIFY_LABEL = "[Bestätigungslink, nur für die Empfängerin / den Empfänger]"
REFEREE_LABEL = "[Link zum Hochladen, nur für die Referenzgeberin / den Referenzgeber]"
OFFER_LABEL = "[Link zur Zu- oder Absage, nur für die Empfängerin / den Empfänger]"
CODE_LABEL = "[Code, nur für die Empfängerin / den Empfänger]"


@pytest.fixture
def reader(client, django_user_model):
    """A staff member who reads the outbox (another client than the recipient's)."""
    from django.test import Client

    user = django_user_model.objects.create_user(
        "leser@example.org", "x", is_staff=True, first_name="Lea", last_name="Leser"
    )
    staff_client = Client()
    staff_client.force_login(user)
    return staff_client


def _staff_pages(reader, message: OutboxMessage) -> list[str]:
    """Every staff page that shows this mail: the list, its detail, the person's mail log."""
    pages = [
        reader.get("/verwaltung/postausgang/"),
        reader.get(f"/verwaltung/postausgang/{message.uuid}/"),
    ]
    if message.recipient_user_id:
        pages.append(reader.get(f"/verwaltung/personen/{message.recipient_user_id}/mails/"))
    if message.batch_id:
        pages.append(reader.get(f"/verwaltung/sendungen/{message.batch_id}/"))
    assert [p.status_code for p in pages] == [200] * len(pages)
    return [p.content.decode() for p in pages]


def _assert_hidden(reader, message: OutboxMessage, secret: str, label: str) -> None:
    message.refresh_from_db()
    assert secret not in message.body_text and secret not in message.body_html
    assert secret not in message.secrets and secret not in str(message.headers)
    pages = _staff_pages(reader, message)
    assert all(secret not in page for page in pages)
    assert label in pages[1]  # the detail shows the mail with the label in the link's place


def _received(smtp_server, to: str):
    return [m for m in smtp_server.messages if m["To"].addresses[0].addr_spec == to][-1]


def _text(received) -> str:
    return received.get_body(preferencelist=("plain",)).get_content()


def _link(text: str) -> str:
    return re.sub(r"^https?://[^/]+", "", re.search(r"https?://\S+", text).group(0))


def test_password_reset_link_is_hidden_from_staff_and_works_for_the_recipient(
    client, reader, smtp_server, django_user_model
):
    user = django_user_model.objects.create_user(
        "anna@example.org", "alt-Passwort-2026", first_name="Anna", last_name="Muster"
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    client.post("/konto/password/reset/", {"email": user.email})
    message = OutboxMessage.objects.get(event_key="account.password_reset")
    assert "[[kohorte-secret:password_reset_url]]" in message.body_text
    assert message.secrets  # encrypted until sent
    delivery.deliver_due()
    received = _received(smtp_server, user.email)
    assert received["Message-ID"] == message.message_id
    path = _link(_text(received))
    assert path.startswith("/konto/password/reset/key/")
    _assert_hidden(reader, message, path, RESET_LABEL)
    message.refresh_from_db()
    assert message.state == State.SENT and message.secrets == ""  # wiped once sent
    # the delivered link resets the password
    page = client.get(path, follow=True)
    form_url = page.redirect_chain[-1][0] if page.redirect_chain else path
    response = client.post(
        form_url, {"password1": "Neues-Passwort-2026!", "password2": "Neues-Passwort-2026!"}
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Neues-Passwort-2026!")


def test_verification_link_is_hidden_from_staff_and_confirms(client, reader, smtp_server):
    client.post(
        "/konto/signup/",
        {
            "first_name": "Erika",
            "last_name": "Muster",
            "email": "erika.muster@bund.example",
            "password1": "Sehr-geheimes-Passwort-2026",
            "password2": "Sehr-geheimes-Passwort-2026",
            "accept_privacy": "on",
            "preferred_language": "de",
        },
    )
    message = OutboxMessage.objects.get(event_key="account.email_confirmation")
    delivery.deliver_due()
    path = _link(_text(_received(smtp_server, "erika.muster@bund.example")))
    key = path.rstrip("/").rsplit("/", 1)[-1]
    _assert_hidden(reader, message, key, VERIFY_LABEL)
    assert client.post(path).status_code == 302
    assert EmailAddress.objects.get(email="erika.muster@bund.example").verified


def test_referee_request_and_reminder_links_are_hidden_and_open_the_referee_page(
    client, reader, smtp_server, demo_catalog, django_user_model
):
    from kohorte.admissions import services as admissions
    from kohorte.catalog.models import Cohort

    applicant = django_user_model.objects.create_user(
        "erika@bund.example", "x", first_name="Erika", last_name="Muster"
    )
    application = admissions.start_application(Cohort.objects.get(slug="jahrgang-2"), applicant)
    request, token = admissions.request_referee(
        application,
        name="Dr. Rita Referenz",
        role="Abteilungsleiterin",
        authority="BMI",
        email="rita@bmi.example",
        actor=applicant,
    )
    later = timezone.now() + timedelta(hours=24)  # one reminder a day at most
    new_token = admissions.remind_referee(request, actor=applicant, now=later)
    delivery.deliver_due()
    for event, secret in (("referee.requested", token), ("referee.reminder", new_token)):
        message = OutboxMessage.objects.get(event_key=event)
        assert message.state == State.SENT
        _assert_hidden(reader, message, secret, REFEREE_LABEL)
        assert any(secret in _text(m) for m in smtp_server.messages)
    reminder = _text(smtp_server.messages[-1])
    page = client.get(_link(reminder))
    assert page.status_code == 200
    assert "Empfehlungsschreiben hochladen" in page.content.decode()


def test_secret_survives_a_temporary_failure_with_the_same_message_id(smtp_server, reader):
    message = mail.queue_mail(
        "account.password_reset",
        to="anna@example.org",
        context={"password_reset_url": "https://k.example.org/reset/geheim-123/"},
    )
    smtp_server.reply = "451 4.3.0 Try again later"
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == State.QUEUED and message.secrets  # kept for the retry
    _assert_hidden(reader, message, "geheim-123", RESET_LABEL)
    smtp_server.reply = "250 OK"
    delivery.deliver_due()
    [received] = smtp_server.messages
    assert received["Message-ID"] == message.message_id
    assert "https://k.example.org/reset/geheim-123/" in _text(received)
    message.refresh_from_db()
    assert (message.state, message.secrets, message.idempotency_key) == (
        State.SENT,
        "",
        "account.password_reset:-::anna@example.org",
    )


def test_a_failed_mail_keeps_its_secret_and_resend_delivers_it(smtp_server, staff):
    message = mail.queue_mail(
        "account.password_reset",
        to="anna@example.org",
        context={"password_reset_url": "https://k.example.org/reset/geheim-456/"},
    )
    smtp_server.reply = "550 5.1.1 No such user here"
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == State.FAILED and message.secrets
    smtp_server.reply = "250 OK"
    mail.resend(message, actor=staff)
    delivery.deliver_due()
    [received] = smtp_server.messages
    assert "https://k.example.org/reset/geheim-456/" in _text(received)
    assert received["Message-ID"] == message.message_id


def test_a_changed_secret_key_fails_the_mail_clearly_and_sends_nothing(smtp_server, settings):
    message = mail.queue_mail(
        "account.password_reset",
        to="anna@example.org",
        context={"password_reset_url": "https://k.example.org/reset/geheim-789/"},
    )
    settings.SECRET_KEY = "ein-ganz-anderer-schluessel-" + "x" * 40
    report = delivery.deliver_due()
    message.refresh_from_db()
    assert report.failed == 1 and smtp_server.messages == []
    assert message.state == State.FAILED
    assert "cannot be decrypted (SECRET_KEY changed?)" in message.last_error


def test_a_rotated_secret_key_still_decrypts_through_the_fallbacks(smtp_server, settings):
    old_key = settings.SECRET_KEY
    mail.queue_mail(
        "account.password_reset",
        to="anna@example.org",
        context={"password_reset_url": "https://k.example.org/reset/geheim-abc/"},
    )
    settings.SECRET_KEY = "ein-ganz-anderer-schluessel-" + "x" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    delivery.deliver_due()
    assert "https://k.example.org/reset/geheim-abc/" in _text(smtp_server.messages[0])


def test_ciphertext_copied_to_another_mail_is_refused():
    a = mail.queue_mail(
        "account.password_reset", to="a@example.org", context={"password_reset_url": "https://x/1"}
    )
    b = mail.queue_mail(
        "account.password_reset", to="b@example.org", context={"password_reset_url": "https://x/2"}
    )
    OutboxMessage.objects.filter(pk=b.pk).update(secrets=a.secrets)
    b.refresh_from_db()
    with pytest.raises(secrets.SecretUnavailable):
        delivery.build_email(b)


def test_html_body_gets_the_secret_inside_its_href(smtp_server, reader, staff):
    mail.save_template(
        event_key="account.password_reset",
        language="de",
        subject="Passwort",
        body_text="Link: {{ password_reset_url }}",
        body_html='<p><a href="{{ password_reset_url }}">Neues Passwort</a></p>',
        actor=staff,
    )
    message = mail.queue_mail(
        "account.password_reset",
        to="anna@example.org",
        context={"password_reset_url": "https://k.example.org/reset/a&b/"},
    )
    assert 'href="[[kohorte-secret:password_reset_url]]"' in message.body_html
    delivery.deliver_due()
    html = smtp_server.messages[0].get_body(preferencelist=("html",)).get_content()
    assert '<a href="https://k.example.org/reset/a&amp;b/">Neues Passwort</a>' in html
    _assert_hidden(reader, message, "reset/a&", RESET_LABEL)


def test_a_marker_in_applicant_text_is_inert(smtp_server):
    message = mail.queue_mail(
        "referee.requested",
        to="rita@bmi.example",
        context={
            "applicant_name": "[[kohorte-secret:upload_url]]",
            "program_title": "KI",
            "deadline": "morgen",
            "upload_url": "https://k.example.org/empfehlung/tok/",
        },
    )
    delivery.deliver_due()
    body = _text(smtp_server.messages[0])
    assert body.count("https://k.example.org/empfehlung/tok/") == 1
    assert message.body_text.count("[[kohorte-secret:upload_url]]") == 1


def test_allauth_code_mail_hides_the_code(smtp_server, reader, rf, django_user_model):
    from kohorte.comms.allauth import AccountAdapter

    user = django_user_model.objects.create_user("anna@example.org", "x")
    request = rf.get("/")
    AccountAdapter(request).send_mail(
        "account/email/login_code",
        user.email,
        {"user": user, "code": "QX7-42Z", "request": request},
    )
    message = OutboxMessage.objects.get(event_key="allauth.login_code")
    assert "[[kohorte-secret:code]]" in message.body_text
    delivery.deliver_due()
    assert "QX7-42Z" in _text(smtp_server.messages[0])
    _assert_hidden(reader, message, "QX7-42Z", CODE_LABEL)


def test_unsubscribe_link_is_shown_redacted(reader, staff, smtp_server):
    batch = mail.create_batch(
        segment_key="accounts:all",
        subject="News",
        body_text="Hallo",
        category="news",
        action="send",
        actor=staff,
    )
    message = batch.messages.get(recipient_email=staff.email)
    delivery.deliver_due()
    token = mail.unsubscribe_token(staff.email, "news")
    assert token in _received(smtp_server, staff.email)["List-Unsubscribe"]
    _assert_hidden(reader, message, token, "[Abmeldelink, nur für die Empfängerin / den Empfänger]")


def test_bulk_preview_shows_no_secret(reader, staff):
    url = reverse("comms:batch_create")
    body = reader.post(
        url,
        {
            "segment": "accounts:all",
            "subject": "News",
            "body_text": "Hallo {{ recipient_name }}",
            "category": "news",
            "action": "hold",
        },
    ).content.decode()
    assert "kohorte-secret" not in body and "/abmelden/" not in body
