"""Referee mails: limits per application and per time window, no applicant text in subjects,
no control characters in names, and a broken template never fails the action that mails."""

from datetime import UTC, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import override

from kohorte.admissions import services
from kohorte.admissions.models import Application, RefereeRequest
from kohorte.catalog.models import Cohort
from kohorte.comms.models import MessageTemplate, OutboxMessage
from kohorte.core.models import AuditLog

pytestmark = pytest.mark.django_db
BASE = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"
HOSTILE = "Urgent: verify your bank account"
CONTROL_MESSAGE = "Bitte ohne Zeilenumbrüche, Tabulatoren oder andere Steuerzeichen eingeben."


@pytest.fixture
def cohort(demo_catalog):
    return Cohort.objects.get(slug="jahrgang-2")


@pytest.fixture
def applicant(django_user_model, demo_catalog):
    return django_user_model.objects.create_user(
        "erika@bund.example", "x", first_name="Erika", last_name="Muster"
    )


@pytest.fixture
def application(cohort, applicant):
    return services.start_application(cohort, applicant)


@pytest.fixture
def logged_in(client, applicant):
    client.force_login(applicant)
    return client


def _ask(application, applicant, n=1, **fields):
    values = {
        "name": f"Dr. Rita Referenz {n}",
        "role": "Abteilungsleiterin",
        "authority": "BMI",
        "email": f"rita{n}@bmi.example",
        **fields,
    }
    return services.request_referee(application, actor=applicant, **values)


def _created(request, when):
    RefereeRequest.objects.filter(pk=request.pk).update(created_at=when)
    request.refresh_from_db()


# --- item 7: limits ---------------------------------------------------------------------------
def test_second_reminder_within_a_day_is_refused_with_the_time_of_the_next(application, applicant):
    request, _ = _ask(application, applicant)
    _created(request, datetime(2026, 12, 1, 13, 5, tzinfo=UTC))
    with pytest.raises(services.LimitReached) as early:
        services.remind_referee(
            request, actor=applicant, now=datetime(2026, 12, 2, 13, 4, tzinfo=UTC)
        )
    assert early.value.messages == [
        "Eine weitere Erinnerung ist ab 2. Dezember 2026, 14:05 Uhr möglich."
    ]
    services.remind_referee(request, actor=applicant, now=datetime(2026, 12, 2, 13, 5, tzinfo=UTC))
    with pytest.raises(services.LimitReached) as again:
        services.remind_referee(
            request, actor=applicant, now=datetime(2026, 12, 2, 13, 10, tzinfo=UTC)
        )
    assert again.value.messages == [
        "Eine weitere Erinnerung ist ab 3. Dezember 2026, 14:05 Uhr möglich."
    ]
    with override("en"), pytest.raises(services.LimitReached) as english:
        services.remind_referee(
            request, actor=applicant, now=datetime(2026, 12, 2, 13, 10, tzinfo=UTC)
        )
    assert english.value.messages == ["Another reminder is possible from 3 December 2026, 14:05."]
    assert OutboxMessage.objects.filter(event_key="referee.reminder").count() == 1


def test_at_most_three_reminders_per_request(application, applicant):
    request, _ = _ask(application, applicant)
    start = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
    _created(request, start)
    for day in (1, 2, 3):
        services.remind_referee(request, actor=applicant, now=start + timedelta(days=day))
    with pytest.raises(services.LimitReached) as error:
        services.remind_referee(request, actor=applicant, now=start + timedelta(days=9))
    assert error.value.messages == [
        "Sie haben bereits 3 Erinnerungen verschickt; mehr sind für eine Anfrage nicht möglich."
    ]
    assert OutboxMessage.objects.filter(event_key="referee.reminder").count() == 3


def test_second_reminder_by_the_view_is_refused_with_the_message(logged_in, application, applicant):
    request, _ = _ask(application, applicant)
    _created(request, timezone.now() - timedelta(hours=25))
    page = logged_in.get(BASE + "unterlagen/").content.decode()
    assert "Erinnerung senden" in page
    assert logged_in.post(BASE + "unterlagen/", {"action": "remind"}).status_code == 302
    request.refresh_from_db()
    with override("de"):
        due = formats.date_format(
            timezone.localtime(request.reminded_at + timedelta(hours=24)), r"j. F Y, H:i \U\h\r"
        )
    message = f"Eine weitere Erinnerung ist ab {due} möglich."
    # The page shows the time instead of the button ...
    page = logged_in.get(BASE + "unterlagen/").content.decode()
    assert f'<p class="kern-body" id="remind-limit">{message}</p>' in page
    assert "Erinnerung senden" not in page
    # ... and a forged POST is refused by the service, with the message.
    response = logged_in.post(BASE + "unterlagen/", {"action": "remind"})
    assert response.status_code == 400
    assert f'id="remind-error"><div class="kern-alert__body"><p class="kern-body">{message}' in (
        response.content.decode()
    )
    assert OutboxMessage.objects.filter(event_key="referee.reminder").count() == 1


def test_fourth_referee_request_is_refused(logged_in, application, applicant):
    for n in (1, 2, 3):
        _ask(application, applicant, n)
    with pytest.raises(services.LimitReached) as error:
        _ask(application, applicant, 4)
    message = (
        "Sie haben bereits 3 Personen um ein Empfehlungsschreiben gebeten; mehr Anfragen sind "
        "für eine Bewerbung nicht möglich. Bitte wenden Sie sich an das Programmteam."
    )
    assert error.value.messages == [message]
    page = logged_in.get(BASE + "unterlagen/").content.decode()
    assert f'<p class="kern-body" id="request-limit">{message}</p>' in page
    assert "Anfrage senden" not in page
    response = logged_in.post(
        BASE + "unterlagen/",
        {
            "action": "referee",
            "name": "Vierte Person",
            "role": "r",
            "authority": "a",
            "email": "vier@example.org",
        },
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert RefereeRequest.objects.count() == 3
    assert OutboxMessage.objects.filter(event_key="referee.requested").count() == 3
    assert not OutboxMessage.objects.filter(recipient_email="vier@example.org").exists()


def test_automatic_reminder_waits_for_the_interval(application, applicant, cohort):
    from kohorte.admissions.models import CohortSettings

    CohortSettings.objects.create(cohort=cohort, referee_reminder_days=3)
    request, _ = _ask(application, applicant)
    close = cohort.applications_close_at
    _created(request, close - timedelta(days=2, hours=12))
    assert services.send_due_reminders(close - timedelta(days=2))["referees"] == 0
    assert services.send_due_reminders(close - timedelta(days=1))["referees"] == 1


# --- item 7: no applicant text in subjects ------------------------------------------------------
def test_referee_mail_subjects_carry_no_applicant_text(application, applicant):
    application.first_name, application.last_name = "Urgent:", "verify your bank account"
    application.save(update_fields=["first_name", "last_name"])
    request, _ = _ask(application, applicant, name=HOSTILE)
    services.remind_referee(request, actor=applicant, now=timezone.now() + timedelta(hours=25))
    title = application.cohort.program.title
    requested = OutboxMessage.objects.get(event_key="referee.requested")
    reminder = OutboxMessage.objects.get(event_key="referee.reminder")
    assert requested.subject == f"Bitte um ein Empfehlungsschreiben – {title}"
    assert reminder.subject == f"Erinnerung: Bitte um ein Empfehlungsschreiben – {title}"
    assert requested.body_text.startswith(f"Guten Tag {HOSTILE},\n\n{HOSTILE} bewirbt sich")


# --- item 12: control characters in names ------------------------------------------------------
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "Rita Referenz\r\nBcc: opfer@example.org"),
        ("name", "Rita\nReferenz"),
        ("name", "Rita\x00Referenz"),
        ("name", "Rita\u2028Referenz"),
        ("name", "Rita\u202eznerefeR"),
        ("email", "rita@bmi.example\r\nBcc: opfer@example.org"),
        ("role", "Leiterin\rX"),
    ],
)
def test_control_characters_in_referee_fields_are_refused(logged_in, application, field, value):
    data = {
        "action": "referee",
        "name": "Rita Referenz",
        "role": "Leiterin",
        "authority": "BMI",
        "email": "rita@bmi.example",
        field: value,
    }
    response = logged_in.post(BASE + "unterlagen/", data)
    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in body
    if field != "email":  # the address is refused by its own check first
        assert CONTROL_MESSAGE in body
    assert not RefereeRequest.objects.exists()
    assert not OutboxMessage.objects.exists()


def test_service_refuses_control_characters_without_the_form(application, applicant):
    with pytest.raises(ValidationError) as error:
        _ask(application, applicant, name="Rita\r\nBcc: opfer@example.org", email="a\n@b.de")
    assert error.value.message_dict["name"] == [CONTROL_MESSAGE]
    assert CONTROL_MESSAGE in error.value.message_dict["email"]
    assert not RefereeRequest.objects.exists()


def test_applicant_name_with_line_break_is_refused(logged_in, application):
    response = logged_in.post(BASE + "person/", {"first_name": "Erika\r\nBcc: x@example.org"})
    assert response.status_code == 400
    assert CONTROL_MESSAGE in response.content.decode()
    application.refresh_from_db()
    assert application.first_name == "Erika"


def test_name_with_line_break_from_old_data_stays_on_one_line_in_the_outbox(application, applicant):
    RefereeRequest.objects.all().delete()
    request, _ = _ask(application, applicant)
    RefereeRequest.objects.filter(pk=request.pk).update(name="Rita\r\nBcc: opfer@example.org")
    request.refresh_from_db()
    services.remind_referee(request, actor=applicant, now=timezone.now() + timedelta(hours=25))
    mail = OutboxMessage.objects.get(event_key="referee.reminder")
    assert mail.recipient_name == "Rita Bcc: opfer@example.org"


# --- item 11: a broken template never fails the action ------------------------------------------
def test_template_saved_before_the_stricter_check_does_not_fail_withdrawal(logged_in, application):
    # Saved directly, as the old checker let it through.
    MessageTemplate.objects.create(
        event_key="application.withdrawn",
        language="de",
        subject="{{ program_title|default:no_such_value }}",
        body_text=(
            "{% for a in program_title %}{% for b in program_title %}"
            "{% for c in program_title %}{% for d in program_title %}x"
            "{% endfor %}{% endfor %}{% endfor %}{% endfor %}"
        ),
    )
    started = timezone.now()
    response = logged_in.post(BASE + "zurueckziehen/")
    assert (timezone.now() - started).total_seconds() < 2
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == Application.Status.WITHDRAWN
    mail = OutboxMessage.objects.get(event_key="application.withdrawn")
    assert mail.state == OutboxMessage.State.QUEUED
    assert mail.subject == "Ihre Bewerbung ist zurückgezogen"
    assert mail.body_text.startswith("Guten Tag Erika Muster,\n\nSie haben Ihre Bewerbung")
    assert mail.last_error.startswith(
        "Die gespeicherte Vorlage ließ sich nicht verwenden (Zeile 1: Der Filter „default“ "
        "bekommt „no_such_value“, das ist kein Platzhalter."
    )
    assert mail.last_error.endswith("Der eingebaute Text wurde verwendet.")
    audit = AuditLog.objects.get(action="comms.template_failed")
    assert audit.data["event"] == "application.withdrawn"
