"""Delivery through a real SMTP server (aiosmtpd on 127.0.0.1)."""

import pytest
from django.utils import timezone

from kohorte.comms import delivery, services
from kohorte.comms.models import OptOut, OutboxMessage

pytestmark = pytest.mark.django_db
State = OutboxMessage.State
CONTEXT = {
    "program_title": "KI und Data Science",
    "cohort_name": "2. Jahrgang",
    "submitted_at": "heute",
    "application_url": "https://k.example.org/b/1/",
}


def _queue(to="anna@example.org", key=None, event="application.submitted"):
    return services.queue_mail(
        event, to=to, name="Anna Muster", context=CONTEXT, idempotency_key=key
    )


def test_mail_arrives_once_with_its_message_id(smtp_server):
    message = _queue()
    report = delivery.deliver_due()
    assert report.sent == 1
    message.refresh_from_db()
    assert message.state == State.SENT and message.sent_at and message.attempts == 1
    [received] = smtp_server.messages
    assert received["Message-ID"] == message.message_id
    assert received["To"] == "Anna Muster <anna@example.org>"
    assert received["Subject"] == "Ihre Bewerbung ist eingegangen: KI und Data Science"
    assert "2. Jahrgang" in received.get_content()
    assert delivery.deliver_due().sent == 0  # nothing twice


def test_same_event_never_mails_same_person_twice(smtp_server):
    first = _queue(key="application.submitted:42")
    second = _queue(key="application.submitted:42")
    assert first.pk == second.pk
    delivery.deliver_due()
    assert len(smtp_server.messages) == 1


def test_temporary_4xx_is_retried_then_delivered(smtp_server, settings):
    smtp_server.reply = "451 4.3.0 Try again later"
    message = _queue()
    report = delivery.deliver_due()
    assert (report.sent, report.retried) == (0, 1)
    message.refresh_from_db()
    assert message.state == State.QUEUED and message.attempts == 1
    assert message.last_error.startswith("451")
    smtp_server.reply = "250 OK"
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2
    assert len(smtp_server.messages) == 1


def test_backoff_grows_exponentially(settings):
    settings.KOHORTE_MAIL_RETRY_BASE_SECONDS = 30
    assert [delivery.backoff(n).total_seconds() for n in (1, 2, 3, 8, 20)] == [
        30,
        60,
        120,
        3600,
        3600,
    ]


def test_permanent_5xx_fails_with_reason_and_can_be_resent(smtp_server, staff):
    smtp_server.reply = "550 5.1.1 No such user here"
    message = _queue()
    report = delivery.deliver_due()
    assert report.failed == 1
    message.refresh_from_db()
    assert message.state == State.FAILED
    assert message.last_error == "550 5.1.1 No such user here"
    smtp_server.reply = "250 OK"
    services.resend(message, actor=staff)
    delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == State.SENT and len(smtp_server.messages) == 1


def test_gives_up_after_max_attempts(smtp_server, settings):
    settings.KOHORTE_MAIL_MAX_ATTEMPTS = 3
    smtp_server.reply = "421 4.7.0 Busy"
    message = _queue()
    for _ in range(3):
        delivery.deliver_due()
    message.refresh_from_db()
    assert message.state == State.FAILED and message.attempts == 3
    assert message.last_error.startswith("gave up after 3 attempts: 421")


def test_server_down_keeps_mails_queued_then_delivers_all(smtp_down, smtp_port, settings):
    messages = [_queue(to=f"p{i}@example.org") for i in range(5)]
    report = delivery.deliver_due()
    assert report.sent == 0 and report.retried == 1
    states = {m.pk: m.state for m in OutboxMessage.objects.all()}
    assert set(states.values()) == {State.QUEUED}  # nothing lost, nothing failed
    assert "ConnectionRefusedError" in OutboxMessage.objects.get(pk=messages[0].pk).last_error
    from aiosmtpd.controller import Controller

    from kohorte.core.mailurl import mailers_from_url
    from tests.factories import RecordingHandler

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{smtp_port}", None)
        assert delivery.deliver_due().sent == 5
    finally:
        controller.stop()
    assert sorted(m["To"].addresses[0].addr_spec for m in handler.messages) == [
        f"p{i}@example.org" for i in range(5)
    ]


def test_worker_killed_after_server_accepted_sends_no_duplicate(smtp_server, monkeypatch, settings):
    """The server accepted, the worker died before marking the row (simulated by an exception
    that nothing catches). Recovery sends the mail again with the same Message-ID: receivers
    and our log see one message."""
    message = _queue()

    def die(_message):
        raise SystemExit("worker killed")

    monkeypatch.setattr(delivery, "_mark_sent", die)
    with pytest.raises(SystemExit):
        delivery.deliver_due()
    monkeypatch.undo()
    message.refresh_from_db()
    assert message.state == State.SENDING and len(smtp_server.messages) == 1
    # Before the stale time nothing happens: a slow worker is not a dead one.
    assert delivery.deliver_due().sent == 0
    settings.KOHORTE_MAIL_STALE_SECONDS = 0
    report = delivery.deliver_due()
    assert report.recovered == 1 and report.sent == 1
    message.refresh_from_db()
    assert message.state == State.SENT
    assert set(smtp_server.message_ids()) == {message.message_id}  # one message, same identity
    assert OutboxMessage.objects.count() == 1


def test_invalid_address_is_never_queued_and_visible_to_staff(smtp_server):
    for bad in ["", "kein-at-zeichen", "a@b@c.de", "evil@example.org\nBcc: x@y.z"]:
        message = _queue(to=bad)
        assert message.state == State.REJECTED
        assert message.last_error.startswith("Keine gültige E-Mail-Adresse")
    delivery.deliver_due()
    assert smtp_server.messages == []


def test_opt_out_is_honoured_for_news_but_not_for_transactional(
    smtp_server, staff, django_user_model
):
    django_user_model.objects.create_user("anna@example.org", "x")
    OptOut.objects.create(email="anna@example.org", category="news")
    batch = services.create_batch(
        segment_key="accounts:all",
        subject="News",
        body_text="Hallo {{ recipient_name }}",
        category="news",
        action="send",
        actor=staff,
    )
    transactional = _queue(to="anna@example.org")
    delivery.deliver_due()
    assert transactional.pk in OutboxMessage.objects.filter(state=State.SENT).values_list(
        "pk", flat=True
    )
    assert batch.messages.get(recipient_email="anna@example.org").state == State.REJECTED
    received = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    news = received[staff.email]
    assert news["List-Unsubscribe"].startswith("<http://127.0.0.1:8000/abmelden/")
    assert news["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "List-Unsubscribe" not in received["anna@example.org"]


def test_one_click_unsubscribe_cancels_waiting_news(client, staff):
    batch = services.create_batch(
        segment_key="accounts:all",
        subject="News",
        body_text="Hallo",
        category="news",
        action="hold",
        actor=staff,
    )
    message = batch.messages.get(recipient_email=staff.email)
    # the stored header holds a marker; the link is derived when the mail goes out
    assert message.headers["List-Unsubscribe"] == "<[[kohorte-secret:unsubscribe_url]]>"
    sent = delivery.build_email(message).extra_headers["List-Unsubscribe"]
    url = sent.strip("<>").replace("http://127.0.0.1:8000", "")
    page = client.get(url)
    assert page.status_code == 200 and "Ja, abmelden" in page.content.decode()
    response = client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert OptOut.objects.filter(email=staff.email, category="news").exists()
    message.refresh_from_db()
    assert message.state == State.CANCELLED
    assert client.get("/abmelden/gefaelscht/").status_code == 404


def test_queueing_wakes_the_worker_on_commit(django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _queue()
    assert len(callbacks) == 1
    assert DBTaskResult.objects.filter(task_path__endswith="deliver_outbox").count() == 1


def test_retry_is_sent_by_the_schedule_without_a_wakeup_chain(smtp_server, settings):
    from django_tasks_db.models import DBTaskResult

    from kohorte.core import schedule
    from kohorte.core.models import ScheduledJob

    settings.KOHORTE_MAIL_RETRY_BASE_SECONDS = 60
    smtp_server.reply = "451 later"
    message = _queue()
    delivery.deliver_due()
    # No task enqueues itself again: the minute job of the one schedule sends the retry.
    assert not DBTaskResult.objects.filter(task_path__endswith="deliver_outbox").exists()
    message.refresh_from_db()
    assert message.state == State.QUEUED and message.attempts == 1
    OutboxMessage.objects.filter(pk=message.pk).update(next_attempt_at=timezone.now())
    smtp_server.reply = "250 OK"
    assert schedule.run_due("test-worker", only="comms.deliver_outbox") == {
        "comms.deliver_outbox": True
    }
    message.refresh_from_db()
    assert message.state == State.SENT and message.attempts == 2
    assert ScheduledJob.objects.get(name="comms.deliver_outbox").period == "every 60s"
