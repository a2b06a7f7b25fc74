"""The application lifecycle: drafts, documents, referees, submission, withdrawal, extensions."""

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from kohorte.admissions import services
from kohorte.admissions.models import Document, EligibilityRule, RefereeRequest
from kohorte.catalog.models import Cohort
from kohorte.comms.delivery import build_email
from kohorte.comms.models import OutboxMessage
from kohorte.core.models import AuditLog
from tests.factories import complete, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(demo_catalog):
    return Cohort.objects.get(slug="jahrgang-2")


@pytest.fixture
def applicant(django_user_model):
    return django_user_model.objects.create_user(
        "erika@bund.example", "x", first_name="Erika", last_name="Muster"
    )


@pytest.fixture
def application(cohort, applicant):
    return services.start_application(cohort, applicant)


def test_one_application_per_person_and_cohort(cohort, applicant):
    first = services.start_application(cohort, applicant)
    assert services.start_application(cohort, applicant).pk == first.pk
    assert (first.first_name, first.last_name, first.status) == ("Erika", "Muster", "draft")


def test_missing_items_name_every_gap(application):
    fields = {m.field for m in services.missing_items(application)}
    assert fields >= {
        "authority",
        "federal_level",
        "leadership_level",
        "cv",
        "motivation_letter",
        "recommendation_letter",
    }


def test_replacing_a_document_keeps_history_until_submission(application, applicant):
    first = services.upload_document(application, "cv", pdf("alt.pdf"), actor=applicant)
    second = services.upload_document(application, "cv", pdf("neu.pdf"), actor=applicant)
    first.refresh_from_db()
    assert not first.is_current and second.is_current
    assert default_storage.exists(first.storage_name)


def test_motivation_letter_page_count_follows_the_cohort_rule(application, applicant):
    with pytest.raises(ValidationError) as error:
        services.upload_document(application, "motivation_letter", pdf(pages=3), actor=applicant)
    assert error.value.messages == ["Das Dokument hat 3 Seiten. Erlaubt sind 1 bis 2 Seiten."]
    assert not Document.objects.exists()


def test_referee_flow_replaces_links_and_receives_letter(application, applicant, client):
    request, token = services.request_referee(
        application,
        name="Dr. Rita Referenz",
        role="Abteilungsleiterin",
        authority="BMI",
        email="rita@bmi.example",
        actor=applicant,
    )
    mail = OutboxMessage.objects.get(event_key="referee.requested")
    assert token not in mail.body_text and token in build_email(mail).body
    assert "Erika Muster" in mail.body_text
    assert "Erika Muster" not in mail.subject  # applicant text never in a subject
    later = timezone.now() + timedelta(hours=24)  # one reminder a day at most
    new_token = services.remind_referee(request, actor=applicant, now=later)
    assert services.find_referee_request(token) is None  # the old link is dead
    assert OutboxMessage.objects.filter(event_key="referee.reminder").count() == 1
    page = client.get(f"/empfehlung/{new_token}/")
    assert page.status_code == 200 and "Erika Muster" in page.content.decode()
    assert "Art. 14 DSGVO" in page.content.decode()
    response = client.post(
        f"/empfehlung/{new_token}/", {"letter": pdf("empfehlung.pdf"), "confirm": "on"}
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.status == RefereeRequest.Status.RECEIVED
    letter = Document.objects.get(kind="recommendation_letter")
    assert letter.source == "referee" and letter.is_current
    assert OutboxMessage.objects.filter(
        event_key="referee.letter_received", recipient_email=applicant.email
    ).exists()
    again = client.get(f"/empfehlung/{new_token}/")
    assert again.status_code == 200 and "ist am" in again.content.decode()  # kindly: arrived


def test_referee_link_tampered_replaced_or_expired(application, applicant, client):
    request, token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=applicant
    )
    assert client.get("/empfehlung/erfunden/").status_code == 404
    assert "kennen wir nicht" in client.get("/empfehlung/erfunden/").content.decode()
    RefereeRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now())
    response = client.get(f"/empfehlung/{token}/")
    assert response.status_code == 410 and "abgelaufen" in response.content.decode()
    _, second = services.request_referee(
        application, name="R2", role="r", authority="a", email="r2@example.org", actor=applicant
    )
    response = client.get(f"/empfehlung/{token}/")
    assert response.status_code == 410 and "neuer verschickt" in response.content.decode()
    assert client.get(f"/empfehlung/{second}/").status_code == 200


def test_referee_bad_file_gets_its_message_at_the_field(application, applicant, client):
    _, token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=applicant
    )
    exe = SimpleUploadedFile("brief.pdf", b"MZ" + b"\0" * 100, content_type="application/pdf")
    response = client.post(f"/empfehlung/{token}/", {"letter": exe, "confirm": "on"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_letter_error"' in body and "Die Datei ist kein PDF." in body
    assert not Document.objects.exists()


def test_submit_complete_application_once(application, applicant):
    complete(application, applicant)
    _, token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=applicant
    )
    services.referee_upload(services.find_referee_request(token), pdf("e.pdf"))
    old = services.upload_document(application, "cv", pdf("cv2.pdf"), actor=applicant)
    application.refresh_from_db()
    assert application.is_complete and application.is_eligible  # kept current for filters
    submitted = services.submit_application(application, actor=applicant)
    again = services.submit_application(application, actor=applicant)  # a second tab
    assert submitted.status == again.status == "submitted"
    assert AuditLog.objects.filter(action="application.submitted").count() == 1
    assert OutboxMessage.objects.filter(event_key="application.submitted").count() == 1
    # Replaced documents are gone with the submission; the current ones stay.
    assert list(application.documents.values_list("is_current", flat=True)) == [True] * 3
    assert old.is_current


def test_incomplete_application_cannot_be_submitted(application, applicant):
    with pytest.raises(services.Incomplete) as error:
        services.submit_application(application, actor=applicant)
    assert "recommendation_letter" in {m.field for m in error.value.missing}
    application.refresh_from_db()
    assert application.status == "draft"


def test_after_the_deadline_submission_is_refused_and_the_draft_stays(
    application, applicant, cohort
):
    complete(application, applicant)
    late = cohort.applications_close_at + timedelta(minutes=1)
    with pytest.raises(services.ApplicationClosed):
        services.submit_application(application, actor=applicant, now=late)
    application.refresh_from_db()
    assert application.status == "draft" and application.authority


def test_extension_lets_one_person_submit_late(application, applicant, cohort, staff):
    complete(application, applicant)
    _, token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=applicant
    )
    services.referee_upload(services.find_referee_request(token), pdf("e.pdf"))
    until = cohort.applications_close_at + timedelta(days=3)
    with pytest.raises(ValidationError):
        services.grant_extension(application, cohort.applications_close_at, actor=staff)
    services.grant_extension(application, until, actor=staff)
    assert AuditLog.objects.get(action="application.extension_granted").actor == staff
    assert OutboxMessage.objects.filter(event_key="application.extension_granted").exists()
    services.submit_application(
        application, actor=applicant, now=cohort.applications_close_at + timedelta(days=1)
    )
    application.refresh_from_db()
    assert application.status == "submitted"


def test_eligibility_is_flagged_not_rejected(application, applicant, cohort):
    EligibilityRule.objects.create(cohort=cohort, condition="public_administration")
    EligibilityRule.objects.create(cohort=cohort, condition="min_leadership", min_leadership=2)
    services.save_draft(
        application, {"federal_level": "other", "leadership_level": 1}, actor=applicant
    )
    assert services.eligibility_problems(application) == [
        "Der Arbeitgeber gehört nicht zur öffentlichen Verwaltung.",
        "Die Führungsebene liegt unter „stellvertretende Referatsleitung“.",
    ]


def test_withdraw_is_confirmed_and_final(application, applicant):
    services.withdraw_application(application, actor=applicant)
    application.refresh_from_db()
    assert application.status == "withdrawn" and application.withdrawn_at
    assert OutboxMessage.objects.filter(event_key="application.withdrawn").exists()
    with pytest.raises(services.IllegalTransition):
        services.save_draft(application, {"phone": "1"}, actor=applicant)
    with pytest.raises(services.IllegalTransition):
        services.withdraw_application(application, actor=applicant)


def test_referee_mail_link_is_in_the_referees_language(application, applicant):
    services.request_referee(
        application,
        name="R",
        role="r",
        authority="a",
        email="r@example.org",
        actor=applicant,
        language="en",
    )
    mail = OutboxMessage.objects.get(event_key="referee.requested")
    assert re.search(r"/en/empfehlung/[\w-]+/", build_email(mail).body)
    assert mail.subject.startswith("Request for a letter of recommendation")


def test_reminders_go_out_once_n_days_before_the_deadline(application, applicant, cohort):
    from kohorte.admissions.models import CohortSettings

    CohortSettings.objects.create(cohort=cohort, draft_reminder_days=5, referee_reminder_days=3)
    request, _ = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=applicant
    )
    close = cohort.applications_close_at
    early = close - timedelta(days=6)
    assert services.send_due_reminders(early) == {"drafts": 0, "referees": 0}
    assert services.send_due_reminders(close - timedelta(days=4)) == {"drafts": 1, "referees": 0}
    assert services.send_due_reminders(close - timedelta(days=2)) == {"drafts": 0, "referees": 1}
    assert services.send_due_reminders(close - timedelta(days=1)) == {"drafts": 0, "referees": 0}
    assert OutboxMessage.objects.filter(event_key="application.draft_reminder").count() == 1
    assert OutboxMessage.objects.filter(event_key="referee.reminder").count() == 1
    request.refresh_from_db()
    assert request.status == "reminded"
