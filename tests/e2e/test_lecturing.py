"""The lecturer, on a phone (390 × 844) and on a desktop (1280 × 900): logs in, opens "Meine
Lehre", sees her runs, opens one (sessions, place, participants, logistics) and uploads a PDF;
a participant of the cohort downloads it from "Mein Programm" (the same bytes). The lecturer
makes her calendar link. axe runs on every page. Screenshots go to /tmp/shots-lecturing/."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login
from tests.factories import make_pdf

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-lecturing")  # noqa: S108 (screenshots for people to look at)


def _check(page: Page, name: str, width: int):
    check_page(page, SHOTS, f"{name}-{width}")


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_lecturer_uploads_and_participant_downloads(
    page: Page, site, django_user_model, tmp_path, width, height
):
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.admissions import services as admissions
    from kohorte.catalog.models import Cohort, Person
    from kohorte.teaching import services

    page.set_viewport_size({"width": width, "height": height})
    cohort = Cohort.objects.get(slug="jahrgang-2")
    dora = django_user_model.objects.create_user(
        "dora@hochschule.example", "pw", first_name="Dora", last_name="Dozent"
    )
    tara = django_user_model.objects.create_user(
        "tara@bund.example", "pw", first_name="Tara", last_name="Teil"
    )
    for user in (dora, tara):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(user=dora, role="lecturer", cohort=cohort)
    run = cohort.runs.select_related("module").get(module__number=1)
    run.lecturers.add(
        Person.objects.create(slug="dora", first_name="Dora", last_name="Dozent", user=dora)
    )
    application = admissions.start_application(cohort, tara)
    admissions.save_draft(
        application, {"authority": "Bundesamt für Beispiele", "job_title": "Referentin"}, actor=tara
    )
    services.enrol_participant(cohort, tara, application=application)

    login(page, site, dora.email)
    page.get_by_role("link", name="Meine Lehre").click()
    expect(page.locator("h1")).to_have_text("Meine Lehre")
    _check(page, "runs", width)
    page.get_by_role("link", name=f"Modul 1: {run.module.title}").click()
    expect(page.locator("h1")).to_have_text(f"Modul 1: {run.module.title}")
    expect(page.get_by_role("cell", name="Bundesamt für Beispiele")).to_be_visible()
    expect(page.get_by_text("Die Einzelheiten kennt das Programmteam")).to_be_visible()
    _check(page, "run", width)
    content = make_pdf(pages=2)
    upload = tmp_path / "folien-tag-1.pdf"
    upload.write_bytes(content)
    page.get_by_label("Titel", exact=True).fill("Folien Tag 1")
    page.get_by_label("Beschreibung").fill("Die Folien des ersten Tages")
    page.get_by_label("Datei (PDF)").set_input_files(str(upload))
    page.get_by_role("button", name="Material bereitstellen").click()
    expect(page.get_by_text("„Folien Tag 1“ ist bereitgestellt.")).to_be_visible()
    expect(page.get_by_role("link", name="Folien Tag 1")).to_be_visible()
    _check(page, "run-uploaded", width)
    page.get_by_role("link", name="Zurück zu Meine Lehre").click()
    page.get_by_role("link", name="Persönlicher Kalender mit Ihren Lehrterminen").click()
    page.get_by_role("button", name="Kalender-Link anlegen").click()
    expect(page.locator("#calendar-url")).to_have_value(re.compile(r"/kalender/[^/]+\.ics$"))
    _check(page, "calendar", width)

    page.get_by_role("link", name="Abmelden").click()
    page.locator("main form button[type=submit]").click()
    login(page, site, tara.email)
    page.get_by_role("link", name="Mein Programm").click()
    link = page.get_by_role("link", name="Folien Tag 1")
    expect(link).to_be_visible()
    _check(page, "programme", width)
    with page.expect_download() as info:
        link.click()
    download = info.value
    assert download.suggested_filename == "folien-tag-1.pdf"
    assert Path(download.path()).read_bytes() == content
