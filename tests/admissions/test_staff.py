"""The staff view of applications: who sees what, filters, constant queries, exports."""

import csv
import io
import json
from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kohorte.accounts.models import Membership
from kohorte.admissions import services
from kohorte.admissions.models import Application
from kohorte.catalog.models import Cohort
from tests.factories import CohortFactory, complete, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort(demo_catalog):
    return Cohort.objects.get(slug="jahrgang-2")


@pytest.fixture
def program_staff(cohort, django_user_model):
    user = django_user_model.objects.create_user("team@example.org", "x", is_staff=True)
    Membership.objects.create(user=user, role="staff", program=cohort.program)
    return user


def _applicants(cohort, django_user_model, n, start=0):
    apps = []
    for i in range(start, start + n):
        user = django_user_model.objects.create_user(
            f"a{i}@bund.example", "x", first_name=f"A{i}", last_name=f"Muster{i}"
        )
        app = services.start_application(cohort, user)
        services.save_draft(
            app,
            {
                "authority": f"Behörde {i}",
                "federal_level": ["bund", "land", "kommune"][i % 3],
                "leadership_level": i % 5,
            },
            actor=user,
        )
        apps.append(app)
    return apps


def test_staff_of_the_program_see_the_list(client, cohort, program_staff, django_user_model):
    _applicants(cohort, django_user_model, 3)
    client.force_login(program_staff)
    body = client.get(f"/verwaltung/bewerbungen/{cohort.pk}/").content.decode()
    assert "Muster0" in body and "Muster2" in body


@pytest.mark.parametrize("who", ["anonymous", "applicant", "other_staff", "lecturer"])
def test_others_cannot_see_applications(client, cohort, django_user_model, who):
    [app] = _applicants(cohort, django_user_model, 1)
    services.upload_document(app, "cv", pdf("cv.pdf"), actor=app.applicant)
    doc = app.documents.get()
    if who == "applicant":
        client.force_login(app.applicant)
    elif who == "other_staff":
        other_program_cohort = CohortFactory()
        user = django_user_model.objects.create_user("o@example.org", "x", is_staff=True)
        Membership.objects.create(user=user, role="staff", program=other_program_cohort.program)
        client.force_login(user)
    elif who == "lecturer":
        user = django_user_model.objects.create_user("l@example.org", "x")
        Membership.objects.create(user=user, role="lecturer", cohort=cohort)
        client.force_login(user)
    urls = [
        "/verwaltung/bewerbungen/",
        f"/verwaltung/bewerbungen/{cohort.pk}/",
        f"/verwaltung/bewerbungen/{cohort.pk}/export.csv",
        f"/verwaltung/bewerbungen/{cohort.pk}/{app.uuid}/",
        f"/verwaltung/bewerbungen/{cohort.pk}/{app.uuid}/dokumente/{doc.pk}/",
    ]
    for url in urls:
        response = client.get(url)
        expected = {302} if who == "anonymous" else {404}
        if who == "other_staff" and url == "/verwaltung/bewerbungen/":
            assert response.status_code == 200 and cohort.name not in response.content.decode()
            continue
        assert response.status_code in expected, (who, url, response.status_code)
    post = client.post(f"/verwaltung/bewerbungen/{cohort.pk}/{app.uuid}/notiz/", {"text": "x"})
    assert post.status_code in {302, 404} and not app.notes.exists()


def test_list_filters_and_search(client, cohort, program_staff, django_user_model):
    _applicants(cohort, django_user_model, 6)
    client.force_login(program_staff)
    url = f"/verwaltung/bewerbungen/{cohort.pk}/"
    body = client.get(url, {"federal_level": "land"}).content.decode()
    assert "Muster1" in body and "Muster4" in body and "Muster0" not in body
    body = client.get(url, {"q": "Behörde 3"}).content.decode()
    assert "Muster3" in body and "Muster2" not in body
    body = client.get(
        url, {"referee": "none", "is_complete": "no", "sort": "name"}
    ).content.decode()
    assert body.index("Muster0") < body.index("Muster5")
    assert (
        client.get(url, {"leadership_level": "x", "sort": "bogus", "seite": "z"}).status_code == 200
    )


def test_list_costs_the_same_queries_at_1_and_30(client, cohort, program_staff, django_user_model):
    client.force_login(program_staff)
    url = f"/verwaltung/bewerbungen/{cohort.pk}/"
    _applicants(cohort, django_user_model, 1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    _applicants(cohort, django_user_model, 29, start=1)
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(one) == len(many)


def test_exports_csv_xlsx_and_command(client, cohort, program_staff, django_user_model, tmp_path):
    apps = _applicants(cohort, django_user_model, 2)
    Application.objects.filter(pk=apps[0].pk).update(authority='=HYPERLINK("x")')
    client.force_login(program_staff)
    response = client.get(f"/verwaltung/bewerbungen/{cohort.pk}/export.csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 2 and {r["E-Mail"] for r in rows} == {"a0@bund.example", "a1@bund.example"}
    assert any(r["Behörde"].startswith("'=HYPERLINK") for r in rows)  # no formula injection
    assert {r["Status"] for r in rows} == {"Entwurf"} and {r["vollständig"] for r in rows} == {
        "nein"
    }
    xlsx = client.get(f"/verwaltung/bewerbungen/{cohort.pk}/export.xlsx")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[1]][:3] == ["Kennung", "Status", "Vorname"]
    assert sheet.max_row == 3
    # the machine-readable variant keeps codes, in headers and values
    codes = client.get(f"/verwaltung/bewerbungen/{cohort.pk}/export.codes.csv")
    assert codes["Content-Disposition"] == (
        f'attachment; filename="bewerbungen-{cohort.slug}-codes.csv"'
    )
    rows = list(csv.DictReader(io.StringIO(codes.content.decode("utf-8-sig")), delimiter=";"))
    assert list(rows[0])[:3] == ["id", "status", "first_name"] and rows[0]["status"] == "draft"
    sheet = load_workbook(
        io.BytesIO(client.get(f"/verwaltung/bewerbungen/{cohort.pk}/export.codes.xlsx").content)
    ).active
    assert [c.value for c in sheet[1]][:3] == ["id", "status", "first_name"]
    page = client.get(f"/verwaltung/bewerbungen/{cohort.pk}/").content.decode()
    assert "maschinenlesbar (Codes):" in page and "export.codes.csv" in page
    out = tmp_path / "apps.json"
    call_command("export_applications", "jahrgang-2", "--format", "json", "-o", str(out))
    data = json.loads(out.read_text())
    assert {d["status"] for d in data} == {"draft"} and data[0]["documents_sha256"] == ""


def test_detail_with_documents_notes_and_audited_extension(
    client, cohort, program_staff, django_user_model
):
    [app] = _applicants(cohort, django_user_model, 1)
    complete(app, app.applicant)
    client.force_login(program_staff)
    url = f"/verwaltung/bewerbungen/{cohort.pk}/{app.uuid}/"
    body = client.get(url).content.decode()
    assert "Lebenslauf: cv.pdf" in body and "Unterlage hochgeladen" in body
    assert "application.document_uploaded" not in body
    client.post(url + "notiz/", {"text": "Bitte Empfehlung nachfassen"})
    assert "Bitte Empfehlung nachfassen" in client.get(url).content.decode()
    until = cohort.applications_close_at + timedelta(days=2)
    local = until.astimezone(ZoneInfo("Europe/Berlin"))
    client.post(url + "verlaengern/", {"until": local.strftime("%Y-%m-%dT%H:%M")})
    app.refresh_from_db()
    assert app.extended_until is not None
    body = client.get(url).content.decode()
    assert "Frist verlängert" in body and "application.extension_granted" not in body
    doc = app.documents.first()
    view = client.get(f"{url}dokumente/{doc.pk}/")
    assert view["Content-Disposition"].startswith("inline")
    assert view["Content-Security-Policy"] == "sandbox; default-src 'none'"


def test_list_leaves_out_team_accounts_and_empty_drafts_are_not_yet_known(
    client, cohort, program_staff, django_user_model
):
    [app] = _applicants(cohort, django_user_model, 1)
    reviewer = django_user_model.objects.create_user(
        "gutachterin@team.example", "x", first_name="Greta", last_name="Gutachterteam"
    )
    Membership.objects.create(user=reviewer, role="reviewer", cohort=cohort)
    services.start_application(cohort, reviewer)  # a team account that clicked "apply"
    services.start_application(cohort, program_staff)
    client.force_login(program_staff)
    body = client.get(f"/verwaltung/bewerbungen/{cohort.pk}/").content.decode()
    assert "Muster0" in body and "Gutachterteam" not in body and "team@example.org" not in body
    assert body.count("noch nicht bekannt") == 1
    assert '<td class="kern-table__cell">erfüllt</td>' not in body
    detail = client.get(f"/verwaltung/bewerbungen/{cohort.pk}/{app.uuid}/").content.decode()
    assert "<dt>Voraussetzungen</dt><dd>noch nicht bekannt" in detail
