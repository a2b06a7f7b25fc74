"""admissions/access.py answers one 404 for missing and forbidden; the applicant's pages never
write on GET (the draft is created by its first save, through start_application)."""

import re
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404

from kohorte.accounts.models import Membership
from kohorte.admissions import access, services
from kohorte.admissions.models import Application, Document
from kohorte.catalog.models import Cohort, RequiredDocument
from kohorte.core.models import AuditLog
from tests.factories import CohortFactory, make_pdf

pytestmark = pytest.mark.django_db
BASE = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"
APPLICANT_GETS = [
    "",
    "person/",
    "employer/",
    "position/",
    "demographics/",
    "unterlagen/",
    "unterlagen/1/",
    "pruefen/",
    "eingangsbestaetigung.pdf",
    "antwort/",
    "zurueckziehen/",
]


@pytest.fixture
def cohort(demo_catalog):
    return Cohort.objects.get(slug="jahrgang-2")


@pytest.fixture
def erika(demo_catalog, django_user_model):
    return django_user_model.objects.create_user(
        "erika@bund.example", "x", first_name="Erika", last_name="Muster"
    )


@pytest.fixture
def mallory(demo_catalog, django_user_model):
    return django_user_model.objects.create_user("mallory@example.org", "x")


def _pdf(name="cv.pdf"):
    return SimpleUploadedFile(name, make_pdf(), content_type="application/pdf")


def _page(response) -> bytes:
    """The page without its per-request tokens (CSRF, CSP nonce) and its own address (the
    language switch links back to it)."""
    path = response.request["PATH_INFO"].encode()
    return re.sub(rb"[A-Za-z0-9+/=_-]{20,}", b"", response.content.replace(path, b"PATH"))


def _rows() -> tuple[int, int]:
    return Application.objects.count(), AuditLog.objects.count()


# --- GET never writes ------------------------------------------------------------------------
def test_get_of_every_applicant_page_creates_no_row(client, erika):
    client.force_login(erika)
    before = _rows()
    statuses = {url: client.get(BASE + url).status_code for url in APPLICANT_GETS}
    statuses["mine"] = client.get("/meine-bewerbung/").status_code
    assert _rows() == before and before[0] == 0
    assert statuses == {
        "": 200,
        "person/": 200,
        "employer/": 200,
        "position/": 200,
        "demographics/": 200,
        "unterlagen/": 200,
        "unterlagen/1/": 404,
        "pruefen/": 200,
        "eingangsbestaetigung.pdf": 404,
        "antwort/": 405,
        "zurueckziehen/": 405,
        "mine": 302,
    }


def test_get_of_every_page_of_a_saved_draft_writes_nothing(client, erika, cohort):
    application = services.start_application(cohort, erika)
    services.upload_document(application, "cv", _pdf(), actor=erika)
    services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=erika
    )
    document = Document.objects.get()
    client.force_login(erika)
    before = _rows()
    for url in [*APPLICANT_GETS, f"unterlagen/{document.pk}/"]:
        client.get(BASE + url)
    assert _rows() == before


def test_get_of_the_referee_page_writes_nothing(client, erika, cohort):
    application = services.start_application(cohort, erika)
    _, token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=erika
    )
    before = _rows()
    body = client.get(f"/empfehlung/{token}/").content.decode()
    assert "Empfehlungsschreiben (PDF, höchstens 10 MB)" in body
    assert _rows() == before


def test_the_portal_before_the_first_save_shows_a_draft_and_the_header_link(client, erika):
    client.force_login(erika)
    body = client.get(BASE).content.decode()
    assert "Ihre Bewerbung ist ein Entwurf." in body and "„Behörde“ fehlt." in body
    assert f'<a class="kern-link" href="{BASE}" aria-current="page">Meine Bewerbung</a>' in body
    # nothing stored yet: nothing to withdraw
    assert "Bewerbung zurückziehen" not in body
    assert 'value="Erika"' in client.get(BASE + "person/").content.decode()


def test_the_first_save_creates_the_draft_through_the_audited_service(client, erika):
    client.force_login(erika)
    before = _rows()
    last_audit = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client.post(BASE + "person/", {"first_name": "Erika", "last_name": "Muster", "phone": "x"})
    assert _rows() == before  # refused input creates nothing
    response = client.post(BASE + "person/", {"first_name": "Erika", "last_name": "Neu"})
    assert response["Location"] == BASE + "person/"
    application = Application.objects.get()
    assert (application.applicant, application.status, application.last_name) == (
        erika,
        "draft",
        "Neu",
    )
    assert list(
        AuditLog.objects.filter(pk__gt=last_audit).order_by("pk").values_list("action", flat=True)
    ) == [
        "application.started",
        "application.draft_saved",
    ]


def test_the_first_upload_creates_the_draft(client, erika):
    client.force_login(erika)
    client.post(BASE + "unterlagen/", {"action": "upload", "kind": "cv", "cv-file": _pdf()})
    assert Application.objects.get().documents.get().kind == "cv"
    assert AuditLog.objects.filter(action="application.started").count() == 1


def test_submitting_before_the_first_save_is_refused_and_creates_nothing(client, erika):
    client.force_login(erika)
    before = _rows()
    response = client.post(BASE + "pruefen/", {"declaration": "on"})
    assert response.status_code == 400
    assert "Bitte ergänzen Sie zuerst die fehlenden Angaben." in response.content.decode()
    assert _rows() == before


# --- one 404 for missing and forbidden -------------------------------------------------------
def test_get_application_for_applicant_same_404_for_missing_and_forbidden(
    client, erika, mallory, cohort
):
    services.start_application(cohort, erika)
    with pytest.raises(Http404):
        access.get_application_for_applicant(mallory, "ki-data-science", "gibt-es-nicht")
    with pytest.raises(Http404):
        access.get_application_for_applicant(mallory, "ki-data-science", "jahrgang-2")
    assert access.get_application_for_applicant(erika, "ki-data-science", "jahrgang-2").applicant
    client.force_login(mallory)
    forbidden = client.get(BASE + "eingangsbestaetigung.pdf")
    missing = client.get(
        "/ki-data-science/jahrgaenge/gibt-es-nicht/bewerben/eingangsbestaetigung.pdf"
    )
    assert forbidden.status_code == missing.status_code == 404
    assert _page(forbidden) == _page(missing)


def test_get_document_for_applicant_same_404_for_missing_and_forbidden(
    client, erika, mallory, cohort
):
    theirs = services.upload_document(
        services.start_application(cohort, erika), "cv", _pdf(), actor=erika
    )
    mine = services.start_application(cohort, mallory)
    missing_pk = Document.objects.order_by("-pk").first().pk + 1000
    for pk in (theirs.pk, missing_pk):
        with pytest.raises(Http404):
            access.get_document_for_applicant(mallory, mine, pk)
    # someone else's application object never answers either
    with pytest.raises(Http404):
        access.get_document_for_applicant(mallory, theirs.application, theirs.pk)
    client.force_login(mallory)
    forbidden = client.get(f"{BASE}unterlagen/{theirs.pk}/")
    missing = client.get(f"{BASE}unterlagen/{missing_pk}/")
    assert forbidden.status_code == missing.status_code == 404
    assert _page(forbidden) == _page(missing)


def test_find_open_referee_request_for_applicant_never_answers_for_another(erika, mallory, cohort):
    application = services.start_application(cohort, erika)
    request, _token = services.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=erika
    )
    assert access.find_open_referee_request_for_applicant(erika, application) == request
    assert access.find_open_referee_request_for_applicant(mallory, application) is None


@pytest.fixture
def team(cohort, django_user_model):
    user = django_user_model.objects.create_user("team@example.org", "x", is_staff=True)
    Membership.objects.create(user=user, role="staff", program=cohort.program)
    return user


def test_staff_helpers_same_404_for_missing_and_forbidden(
    client, team, erika, mallory, cohort, django_user_model
):
    other_cohort = CohortFactory()  # another programme: not the team's
    RequiredDocument.objects.create(cohort=other_cohort, kind="cv")
    ours = services.start_application(cohort, erika)
    theirs = services.start_application(other_cohort, mallory)
    our_doc = services.upload_document(ours, "cv", _pdf(), actor=erika)
    their_doc = services.upload_document(theirs, "cv", _pdf(), actor=mallory)
    missing_doc = their_doc.pk + 1000
    with pytest.raises(Http404):
        access.get_cohort_for_staff(team, other_cohort.pk)
    with pytest.raises(Http404):
        access.get_cohort_for_staff(team, other_cohort.pk + 1000)
    with pytest.raises(Http404):
        access.get_application_for_staff(team, cohort.pk, theirs.uuid)
    with pytest.raises(Http404):
        access.get_document_for_staff(team, theirs, their_doc.pk)
    assert access.get_document_for_staff(team, ours, our_doc.pk) == our_doc
    client.force_login(team)
    base = "/verwaltung/bewerbungen"
    pairs = [
        (f"{base}/{other_cohort.pk}/", f"{base}/{other_cohort.pk + 1000}/"),
        (f"{base}/{cohort.pk}/{theirs.uuid}/", f"{base}/{cohort.pk}/{uuid.uuid4()}/"),
        (
            f"{base}/{cohort.pk}/{ours.uuid}/dokumente/{their_doc.pk}/",
            f"{base}/{cohort.pk}/{ours.uuid}/dokumente/{missing_doc}/",
        ),
    ]
    for forbidden_url, missing_url in pairs:
        forbidden, missing = client.get(forbidden_url), client.get(missing_url)
        assert forbidden.status_code == missing.status_code == 404, forbidden_url
        assert _page(forbidden) == _page(missing), forbidden_url
