"""Only documents the cohort asks for can be uploaded, each within its kind's page limit; the
form and the service both refuse, and a forged POST shows the reason."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from kohorte.admissions import services
from kohorte.admissions.models import Document
from kohorte.catalog.models import Cohort, RequiredDocument
from tests.factories import make_pdf

pytestmark = pytest.mark.django_db
BASE = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"
NOT_ASKED = (
    "Für diese Bewerbung ist kein Dokument der Art „Sonstiges“ vorgesehen. Bitte laden Sie "
    "nur die Unterlagen hoch, die auf dieser Seite genannt sind."
)


def _pdf(name="x.pdf", pages=1):
    return SimpleUploadedFile(name, make_pdf(pages=pages), content_type="application/pdf")


@pytest.fixture
def applicant(demo_catalog, django_user_model):
    return django_user_model.objects.create_user(
        "erika@bund.example", "x", first_name="Erika", last_name="Muster"
    )


@pytest.fixture
def application(applicant):
    return services.start_application(Cohort.objects.get(slug="jahrgang-2"), applicant)


def test_forged_upload_of_a_kind_not_asked_for_is_refused_with_its_message(client, application):
    client.force_login(application.applicant)
    response = client.post(
        BASE + "unterlagen/",
        {"action": "upload", "kind": "other", "other-file": _pdf("beilage.pdf")},
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert 'id="upload-refused"' in body and NOT_ASKED in body
    assert not Document.objects.exists()


def test_kind_the_cohort_asks_for_is_accepted_through_the_page(client, application):
    RequiredDocument.objects.create(cohort=application.cohort, kind="other", required=False)
    client.force_login(application.applicant)
    response = client.post(
        BASE + "unterlagen/",
        {"action": "upload", "kind": "other", "other-file": _pdf("beilage.pdf")},
    )
    assert response.status_code == 302
    assert Document.objects.get().kind == "other"


def test_service_refuses_a_kind_not_asked_for(application):
    with pytest.raises(ValidationError) as error:
        services.upload_document(application, "other", _pdf(), actor=application.applicant)
    assert error.value.code == "kind" and error.value.messages == [NOT_ASKED]
    assert not Document.objects.exists()


def test_unknown_kind_is_refused_by_the_service(application):
    with pytest.raises(ValidationError) as error:
        services.upload_document(application, "passport", _pdf(), actor=application.applicant)
    assert error.value.messages == ["Diese Art von Dokument gibt es nicht."]


def test_default_page_limit_of_the_kind_applies_without_a_rule_maximum(settings, application):
    settings.KOHORTE_PDF_DEFAULT_MAX_PAGES = {**settings.KOHORTE_PDF_DEFAULT_MAX_PAGES, "cv": 2}
    assert RequiredDocument.objects.get(cohort=application.cohort, kind="cv").max_pages is None
    with pytest.raises(ValidationError) as error:
        services.upload_document(application, "cv", _pdf(pages=3), actor=application.applicant)
    assert error.value.messages == ["Das Dokument hat 3 Seiten. Erlaubt sind höchstens 2 Seiten."]
    document = services.upload_document(
        application, "cv", _pdf(pages=2), actor=application.applicant
    )
    assert document.pages == 2


def test_rule_maximum_above_the_absolute_maximum_is_capped(settings, application):
    settings.KOHORTE_PDF_MAX_PAGES = 3
    RequiredDocument.objects.filter(cohort=application.cohort, kind="cv").update(max_pages=400)
    with pytest.raises(ValidationError) as error:
        services.upload_document(application, "cv", _pdf(pages=4), actor=application.applicant)
    assert error.value.messages == ["Das Dokument hat 4 Seiten. Erlaubt sind höchstens 3 Seiten."]
