"""The applicant's pages: steps saved as drafts, documents, referee, review, submit, access."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kohorte.admissions import services
from kohorte.admissions.models import Application, Document
from kohorte.catalog.models import Cohort
from kohorte.comms.delivery import build_email
from tests.core.test_uploads import make_pdf

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
    response = logged_in.post(BASE + "pruefen/")
    assert response["Location"] == BASE
    application.refresh_from_db()
    assert application.status == "submitted"
    assert "Ihre Bewerbung ist eingegangen" in logged_in.get(BASE).content.decode()


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
    assert Application.objects.get().gender == ""
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

    logged_in.get(BASE)
    application = Application.objects.get()
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
