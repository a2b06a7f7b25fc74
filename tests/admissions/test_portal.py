"""The applicant's pages: steps saved as drafts, documents, referee, review, submit, access."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kohorte.admissions import services
from kohorte.admissions.models import Application, Document
from kohorte.catalog.models import Cohort
from kohorte.comms.delivery import build_email
from tests.factories import make_pdf

pytestmark = pytest.mark.django_db
BASE = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"


@pytest.fixture
def applicant(demo_catalog, django_user_model):
    return django_user_model.objects.create_user(
        "erika@bund.example", "x", first_name="Erika", last_name="Muster"
    )


@pytest.fixture
def logged_in(client, applicant):
    client.force_login(applicant)
    return client


def _pdf(name, pages=1):
    return SimpleUploadedFile(name, make_pdf(pages=pages), content_type="application/pdf")


def test_portal_needs_login(client, demo_catalog):
    response = client.get(BASE)
    assert response.status_code == 302 and response["Location"].startswith("/konto/login/")


def test_apply_page_links_to_the_portal(client, demo_catalog):
    body = client.get("/ki-data-science/bewerbung/").content.decode()
    assert f'href="{BASE}"' in body


def test_walk_through_the_steps_and_submit(logged_in, applicant):
    overview = logged_in.get(BASE).content.decode()
    assert "Was noch fehlt" in overview and "„Behörde“ fehlt." in overview
    response = logged_in.post(
        BASE + "person/",
        {"first_name": "Erika", "last_name": "Muster", "phone": "+49 30 1234", "next": "1"},
    )
    assert response["Location"] == BASE + "employer/"
    logged_in.post(
        BASE + "employer/",
        {
            "authority": "Bundesministerium des Innern",
            "federal_level": "bund",
            "authority_kind": "oberste",
            "unit_kind": "fachreferat",
            "next": "1",
        },
    )
    response = logged_in.post(
        BASE + "position/",
        {
            "job_title": "Referatsleiterin",
            "leadership_level": "3",
            "team_size": "12",
            "ai_involvement": "KI-Pilot",
            "next": "1",
        },
    )
    assert response["Location"] == BASE + "unterlagen/"
    for kind, pages in (("cv", 1), ("motivation_letter", 2)):
        response = logged_in.post(
            BASE + "unterlagen/",
            {"action": "upload", "kind": kind, f"{kind}-file": _pdf(f"{kind}.pdf", pages)},
        )
        assert response.status_code == 302
    response = logged_in.post(
        BASE + "unterlagen/",
        {
            "action": "referee",
            "name": "Dr. Rita Referenz",
            "role": "Abteilungsleiterin",
            "authority": "BMI",
            "email": "rita@bmi.example",
        },
    )
    assert response.status_code == 302
    application = Application.objects.get()
    request = application.referee_requests.get()
    # The referee answers through the link (token from the mail).
    import re

    from kohorte.comms.models import OutboxMessage

    mail = OutboxMessage.objects.get(event_key="referee.requested")
    token = re.search(r"/empfehlung/([\w-]+)/", build_email(mail).body).group(1)
    services.referee_upload(services.find_referee_request(token), _pdf("letter.pdf"))
    request.refresh_from_db()
    assert request.status == "received"
    review = logged_in.get(BASE + "pruefen/").content.decode()
    assert "Bewerbung verbindlich einreichen" in review
    response = logged_in.post(BASE + "pruefen/", {"declaration": "on"})
    assert response["Location"] == BASE
    application.refresh_from_db()
    assert application.status == "submitted"
    assert "Ihre Bewerbung wurde am" in logged_in.get(BASE).content.decode()


def test_autosave_with_htmx_returns_status_and_keeps_draft(logged_in):
    response = logged_in.post(
        BASE + "person/",
        {"first_name": "Erika", "last_name": "Neu"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "Entwurf gespeichert um" in response.content.decode()
    assert Application.objects.get().last_name == "Neu"


def test_invalid_input_is_refused_at_the_field_and_other_input_kept(logged_in):
    response = logged_in.post(BASE + "person/", {"first_name": "Erika", "phone": "call me"})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_phone_error"' in body and "Bitte nur Ziffern" in body
    assert 'value="Erika"' in body


def test_bad_upload_is_refused_with_its_message(logged_in):
    response = logged_in.post(
        BASE + "unterlagen/",
        {
            "action": "upload",
            "kind": "cv",
            "cv-file": SimpleUploadedFile("../../etc/passwd.pdf", b"<html>", "application/pdf"),
        },
    )
    assert response.status_code == 400
    assert "Die Datei ist kein PDF." in response.content.decode()
    assert not Document.objects.exists()


def test_demographics_need_consent(logged_in):
    response = logged_in.post(BASE + "demographics/", {"gender": "female"})
    assert "Ohne Einwilligung speichern wir diese Angabe nicht." in response.content.decode()
    assert not Application.objects.exists()  # refused input starts no draft
    logged_in.post(BASE + "demographics/", {"gender": "female", "consent": "on"})
    application = Application.objects.get()
    assert application.gender == "female" and application.demographics_consent_at


def test_nobody_reaches_another_persons_documents(logged_in, applicant, django_user_model, client):
    logged_in.post(
        BASE + "unterlagen/", {"action": "upload", "kind": "cv", "cv-file": _pdf("cv.pdf")}
    )
    document = Document.objects.get()
    own = logged_in.get(f"{BASE}unterlagen/{document.pk}/")
    assert own.status_code == 200 and own["Content-Disposition"].startswith("attachment")
    other = django_user_model.objects.create_user("mallory@example.org", "x")
    client.force_login(other)
    assert client.get(f"{BASE}unterlagen/{document.pk}/").status_code == 404
    # Mallory's own application is a different one; Erika's data is nowhere on her pages.
    assert "Erika" not in client.get(BASE).content.decode()


def test_closed_window_blocks_new_applications(client, demo_catalog, django_user_model):
    from django.utils import timezone

    Cohort.objects.filter(slug="jahrgang-2").update(
        applications_close_at=timezone.now() - timezone.timedelta(minutes=1),
        applications_open_at=timezone.now() - timezone.timedelta(days=30),
    )
    client.force_login(django_user_model.objects.create_user("late@example.org", "x"))
    assert client.get(BASE).status_code == 404


def test_receipt_pdf_lists_documents_with_sha256(logged_in, applicant):
    import io

    from pypdf import PdfReader

    test_walk_through_the_steps_and_submit(logged_in, applicant)
    response = logged_in.get(BASE + "eingangsbestaetigung.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert "Eingangsbestätigung Ihrer Bewerbung" in text
    assert "Bundesministerium des Innern" in text
    application = Application.objects.get()
    for document in application.documents.filter(is_current=True):
        assert document.sha256[:32] in text.replace("\n", "").replace(" ", "")
    assert reader.metadata.title.startswith("Eingangsbestätigung")


def test_receipt_only_after_submission(logged_in):
    logged_in.get(BASE)
    assert logged_in.get(BASE + "eingangsbestaetigung.pdf").status_code == 404


def test_referee_letter_content_is_hidden_unless_the_cohort_allows(logged_in, applicant):
    from kohorte.admissions.models import CohortSettings

    application = services.start_application(Cohort.objects.get(slug="jahrgang-2"), applicant)
    _, token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=applicant
    )
    services.referee_upload(services.find_referee_request(token), _pdf("letter.pdf"))
    letter = Document.objects.get(kind="recommendation_letter")
    assert logged_in.get(f"{BASE}unterlagen/{letter.pk}/").status_code == 404
    assert "letter.pdf" not in logged_in.get(f"{BASE}unterlagen/").content.decode()
    CohortSettings.objects.create(cohort=application.cohort, applicant_sees_letter=True)
    assert logged_in.get(f"{BASE}unterlagen/{letter.pk}/").status_code == 200
    assert "letter.pdf" in logged_in.get(f"{BASE}unterlagen/").content.decode()


# --- the portal after submitting, the summary, read-only steps ---------------------------------
COMPLETE = {
    "first_name": "Erika",
    "last_name": "Muster",
    "authority": "Bundesministerium des Innern",
    "federal_level": "bund",
    "authority_kind": "oberste",
    "unit_kind": "fachreferat",
    "unit_name": "Referat DG II 3",
    "job_title": "Referatsleiterin",
    "leadership_level": 3,
    "team_size": 12,
    "ai_involvement": "Leitung eines KI-Pilotprojekts",
}


def _complete_draft(applicant):
    cohort = Cohort.objects.get(slug="jahrgang-2")
    application = services.start_application(cohort, applicant)
    services.save_draft(application, COMPLETE, actor=applicant)
    for kind, pages in (("cv", 1), ("motivation_letter", 2), ("recommendation_letter", 1)):
        services.upload_document(application, kind, _pdf(f"{kind}.pdf", pages), actor=applicant)
    return application


@pytest.fixture
def submitted(applicant):
    application = _complete_draft(applicant)
    return services.submit_application(application, actor=applicant)


@pytest.fixture
def chair(django_user_model):
    return django_user_model.objects.create_user("chair@example.org", "x")


def _decide(application, outcome, chair, *, release=True, deliver=False):
    from kohorte.comms.delivery import deliver_due
    from kohorte.comms.services import release_batch
    from kohorte.selection import services as selection

    selection.record_decision(application, outcome, "Begründung", actor=chair)
    batch = selection.prepare_decision_mails(application.cohort, actor=chair)
    if release:
        release_batch(batch, actor=chair)
    if deliver:
        assert deliver_due().sent >= 1  # the offer counts only once its mail has gone out
    return batch


def test_portal_draft_states_the_deadline_in_words(logged_in):
    body = logged_in.get(BASE).content.decode()
    cohort = Cohort.objects.get(slug="jahrgang-2")
    from django.utils import formats, timezone

    deadline = formats.date_format(
        timezone.localtime(cohort.applications_close_at), "DATETIME_FORMAT"
    )
    assert (
        f"Ihre Bewerbung ist ein Entwurf. Sie können sie bis {deadline} (Berliner Zeit) einreichen."
        in body
    )
    assert deadline.endswith(" Uhr") and ", " in deadline


def test_portal_submitted_states_the_date_and_the_decision_date(logged_in, submitted):
    from django.utils import formats, timezone

    body = logged_in.get(BASE).content.decode()
    when = formats.date_format(timezone.localtime(submitted.submitted_at), "DATETIME_FORMAT")
    decision_on = formats.date_format(submitted.cohort.decision_on, "DATE_FORMAT")
    assert f"Ihre Bewerbung wurde am {when} eingereicht." in body
    assert f"Die Entscheidung erhalten Sie bis {decision_on}." in body
    assert "submitted" not in body.replace('name="', "") or "Status" not in body


def test_receipt_mail_links_the_portal_and_names_the_decision_date(submitted):
    from django.utils import formats

    from kohorte.comms.models import OutboxMessage

    mail = OutboxMessage.objects.get(event_key="application.submitted")
    decision_on = formats.date_format(submitted.cohort.decision_on, "DATE_FORMAT")
    assert f"Die Entscheidung erhalten Sie bis {decision_on}." in mail.body_text
    assert "http://localhost:8000" + BASE in mail.body_text or BASE in mail.body_text


def test_portal_hides_the_decision_until_its_mail_is_released(logged_in, submitted, chair):
    _decide(submitted, "admit", chair, release=False)
    body = logged_in.get(BASE).content.decode()
    assert "Die Entscheidung erhalten Sie bis" in body
    assert "Platz annehmen" not in body and "bietet Ihnen einen Platz" not in body


def test_portal_offers_no_answer_before_the_offer_mail_went_out(logged_in, submitted, chair):
    from kohorte.selection.models import Offer

    _decide(submitted, "admit", chair)  # released, not yet sent by the worker
    body = logged_in.get(BASE).content.decode()
    assert "Die Auswahlkommission bietet Ihnen einen Platz im" in body
    assert "Sie können antworten, sobald die Mail mit dem Angebot bei Ihnen ist" in body
    assert "Platz annehmen" not in body
    logged_in.post(BASE + "antwort/", {"answer": "accept"})
    assert Offer.objects.get(application=submitted).status == "pending"


def test_portal_shows_the_offer_with_deadline_and_accepts_it(
    logged_in, submitted, chair, smtp_server
):
    from django.utils import formats, timezone

    from kohorte.selection.models import Offer

    _decide(submitted, "admit", chair, deliver=True)
    offer = Offer.objects.get(application=submitted)
    body = logged_in.get(BASE).content.decode()
    by = formats.date_format(timezone.localtime(offer.respond_by), "DATETIME_FORMAT")
    assert "Die Auswahlkommission bietet Ihnen einen Platz im" in body
    assert f"Bitte antworten Sie bis {by}." in body
    assert "Platz annehmen" in body and "Ja, Platz ablehnen" in body
    response = logged_in.post(BASE + "antwort/", {"answer": "accept"})
    assert response["Location"] == BASE
    offer.refresh_from_db()
    assert offer.status == "accepted"
    body = logged_in.get(BASE).content.decode()
    assert "Sie haben den Platz angenommen." in body and "Willkommen im" in body
    assert "Platz annehmen" not in body and "Bewerbung zurückziehen" not in body


def test_portal_declines_the_offer(logged_in, submitted, chair, smtp_server):
    from kohorte.selection.models import Offer

    _decide(submitted, "admit", chair, deliver=True)
    logged_in.post(BASE + "antwort/", {"answer": "decline"})
    assert Offer.objects.get(application=submitted).status == "declined"
    body = logged_in.get(BASE).content.decode()
    assert "Sie haben den angebotenen Platz am" in body and "abgelehnt" in body


def test_portal_shows_an_expired_offer(logged_in, submitted, chair):
    from datetime import timedelta

    from django.utils import timezone

    from kohorte.selection import services as selection
    from kohorte.selection.models import Offer

    _decide(submitted, "admit", chair)
    assert selection.expire_offers(now=timezone.now() + timedelta(days=400)) == 1
    body = logged_in.get(BASE).content.decode()
    assert "Die Frist für das Platzangebot ist am" in body and "abgelaufen" in body
    response = logged_in.post(BASE + "antwort/", {"answer": "accept"})
    assert response["Location"] == BASE
    assert Offer.objects.get(application=submitted).status == "expired"


def test_portal_waiting_list_with_position_only_if_the_cohort_shows_it(logged_in, submitted, chair):
    from kohorte.admissions.models import CohortSettings

    _decide(submitted, "waitlist", chair)
    body = logged_in.get(BASE).content.decode()
    assert "Die Auswahlkommission hat Sie auf die Warteliste gesetzt." in body
    assert "Ihr Platz auf der Warteliste" not in body
    CohortSettings.objects.create(cohort=submitted.cohort, applicant_sees_waitlist_position=True)
    body = logged_in.get(BASE).content.decode()
    assert "Ihr Platz auf der Warteliste: 1." in body


def test_portal_not_admitted(logged_in, submitted, chair):
    _decide(submitted, "reject", chair)
    body = logged_in.get(BASE).content.decode()
    assert "Wir können Ihnen leider keinen Platz anbieten." in body
    assert "Die Entscheidung erhalten Sie bis" not in body
    assert "reject" not in body


def test_steps_are_read_only_after_submission(logged_in, submitted):
    body = logged_in.get(BASE + "employer/").content.decode()
    assert "Ihre Bewerbung ist eingereicht und kann nicht mehr geändert werden." in body
    assert "<form" not in body.split('id="main"')[1].split("Bewerbung zurückziehen")[0]
    assert "Bundesministerium des Innern" in body and "oberste Bundes- oder Landesbehörde" in body
    response = logged_in.post(
        BASE + "employer/", {"authority": "Gefälscht", "federal_level": "land"}
    )
    assert response.status_code == 403
    assert "kann nicht mehr geändert werden" in response.content.decode()
    submitted.refresh_from_db()
    assert (submitted.authority, submitted.federal_level) == (
        "Bundesministerium des Innern",
        "bund",
    )
    response = logged_in.post(
        BASE + "unterlagen/", {"action": "upload", "kind": "cv", "cv-file": _pdf("neu.pdf")}
    )
    assert response.status_code == 403
    assert list(submitted.documents.filter(kind="cv").values_list("original_name", flat=True)) == [
        "cv.pdf"
    ]


def test_summary_lists_every_answer_and_every_document(logged_in, applicant):
    application = _complete_draft(applicant)
    body = logged_in.get(BASE + "pruefen/").content.decode()
    for text in (
        "Erika",
        "Muster",
        "Bundesministerium des Innern",
        "Bund",
        "oberste Bundes- oder Landesbehörde (Ministerium)",
        "Fachreferat",
        "Referat DG II 3",
        "Referatsleiterin",
        "Referatsleitung",
        "Leitung eines KI-Pilotprojekts",
    ):
        assert f"<dd>{text}</dd>" in body, text
    assert '<dt>Telefon</dt><dd><span class="answers__empty">keine Angabe</span></dd>' in body
    from django.template.defaultfilters import filesizeformat

    for doc in application.documents.all():
        pages = "1 Seite" if doc.pages == 1 else f"{doc.pages} Seiten"
        assert f"{doc.original_name}</a>\n          – {pages}, {filesizeformat(doc.size)}" in body
    assert "Empfehlungsschreiben</strong>" in body
    assert body.count(">Ändern<") == 5  # four steps with a form, and the documents
    assert f'href="{BASE}unterlagen/"' in body and f'href="{BASE}employer/"' in body
    assert "Bewerbung verbindlich einreichen" in body


def test_submit_needs_the_declaration(logged_in, applicant):
    application = _complete_draft(applicant)
    response = logged_in.post(BASE + "pruefen/", {})
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="id_declaration_error"' in body
    assert "Bitte bestätigen Sie die Richtigkeit Ihrer Angaben" in body
    application.refresh_from_db()
    assert application.status == "draft"


def test_header_links_to_my_application_and_login_lands_there(client, applicant):
    client.force_login(applicant)
    body = client.get("/ki-data-science/").content.decode()
    assert "Meine Bewerbung" not in body
    client.post(BASE + "person/", {"first_name": "Erika", "last_name": "Muster"})  # first save
    body = client.get("/ki-data-science/").content.decode()
    assert f'<a class="kern-link" href="{BASE}">Meine Bewerbung</a>' in body
    assert client.get("/meine-bewerbung/")["Location"] == BASE


def test_radio_groups_have_no_empty_choice_and_labels_beside(logged_in):
    body = logged_in.get(BASE + "employer/").content.decode()
    assert 'value=""' not in body.split('name="federal_level"')[0][-200:]
    assert "---------" not in body and "Select an option" not in body
    assert (
        '<div class="kern-form-check"><input type="radio" name="federal_level" '
        'class="kern-form-check__radio" value="bund"'
    ) in body
    assert '<label class="kern-label" for="id_federal_level_0">Bund</label>' in body


def test_review_says_the_letter_is_awaited_and_offers_remind_and_upload(logged_in, applicant):
    from kohorte.comms.models import OutboxMessage

    cohort = Cohort.objects.get(slug="jahrgang-2")
    application = services.start_application(cohort, applicant)
    services.request_referee(
        application,
        name="Dr. Rita Referenz",
        role="Abteilungsleiterin",
        authority="BMI",
        email="rita@bmi.example",
        actor=applicant,
    )
    body = logged_in.get(BASE + "pruefen/").content.decode()
    assert "Das Empfehlungsschreiben steht noch aus" in body
    assert "Sie haben Dr. Rita Referenz am" in body
    assert "Sie können erst einreichen, wenn es vorliegt." in body
    assert "Schreiben stattdessen selbst hochladen" in body
    # right after the request, the page says when a reminder is possible instead of a button
    assert "Eine weitere Erinnerung ist ab" in body and 'value="remind"' not in body
    response = logged_in.post(BASE + "pruefen/", {"action": "remind"}, follow=True)
    assert "Eine weitere Erinnerung ist ab" in response.content.decode()
    assert OutboxMessage.objects.filter(event_key="referee.reminder").count() == 0
    from datetime import timedelta

    from django.db.models import F

    application.referee_requests.update(created_at=F("created_at") - timedelta(hours=25))
    assert 'value="remind"' in logged_in.get(BASE + "pruefen/").content.decode()
    logged_in.post(BASE + "pruefen/", {"action": "remind"})
    assert OutboxMessage.objects.filter(event_key="referee.reminder").count() == 1
    # the referee's page and the request mail state the same validity date
    request = application.referee_requests.get()
    from django.utils import formats, timezone

    until = formats.date_format(timezone.localtime(request.valid_until), "DATETIME_FORMAT")
    mail = OutboxMessage.objects.get(event_key="referee.requested")
    assert f"bis {until}" in mail.body_text
    assert f"Der Link zum Hochladen gilt bis {until}." in body


def test_log_in_lands_in_the_application_and_carries_the_programme(client, applicant):
    from allauth.account.models import EmailAddress

    applicant.set_password("Sehr-geheimes-Passwort-2026")
    applicant.save()
    EmailAddress.objects.create(user=applicant, email=applicant.email, verified=True, primary=True)
    services.start_application(Cohort.objects.get(slug="jahrgang-2"), applicant)
    page = client.get("/konto/login/").content.decode()
    assert "Künstliche Intelligenz und Data Science für die öffentliche Verwaltung" in page
    assert '<span class="kern-label">Anmelden</span>' in page
    response = client.post(
        "/konto/login/", {"login": applicant.email, "password": "Sehr-geheimes-Passwort-2026"}
    )
    assert response["Location"] == "/meine-bewerbung/"
    assert client.get(response["Location"])["Location"] == BASE
