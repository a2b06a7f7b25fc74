"""A participant submits her paper with the declaration (first without it: the message at the
field), on a phone (390 × 844) and on a desktop (1280 × 900); the lecturer marks it with a
German grade; staff publish; she reads her grade. axe runs on every page. Screenshots go to
/tmp/shots-assessments/."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login
from tests.factories import make_pdf

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-assessments")  # noqa: S108 (screenshots for people to look at)


def _check(page: Page, name: str, width: int):
    check_page(page, SHOTS, f"{name}-{width}")


@pytest.mark.parametrize("width,height", [(390, 844), (1280, 900)])
def test_participant_submits_lecturer_marks_staff_publish(
    page: Page, site, django_user_model, tmp_path, width, height
):
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.assessments import services
    from kohorte.assessments.models import Submission
    from kohorte.catalog.models import Cohort, Module, ModuleRun, Person
    from kohorte.teaching.services import enrol_participant

    page.set_viewport_size({"width": width, "height": height})
    cohort = Cohort.objects.get(slug="jahrgang-2")
    run = ModuleRun.objects.filter(cohort=cohort, module__kind="mandatory").first()
    Module.objects.filter(pk=run.module_id).update(grading="grade_de")
    tara = django_user_model.objects.create_user(
        "tara@bund.example", "pw", first_name="Tara", last_name="Teil"
    )
    dora = django_user_model.objects.create_user(
        "dora@uni.example", "pw", first_name="Dora", last_name="Dozentin"
    )
    staff = django_user_model.objects.create_user("team@example.org", "pw", is_staff=True)
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    Membership.objects.create(user=dora, role="lecturer", cohort=cohort)
    run.lecturers.add(
        Person.objects.create(slug="dora", first_name="Dora", last_name="D", user=dora)
    )
    for user in (tara, dora, staff):
        EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    enrol_participant(cohort, tara)
    assessment = services.create_assessment(
        run,
        actor=staff,
        kind="paper",
        task="Beschreiben Sie einen KI-Anwendungsfall Ihrer Behörde.",
        due_at=timezone.now() + timedelta(days=14),
        max_pages=15,
        anonymous=True,
    )
    paper = tmp_path / "hausarbeit.pdf"
    paper.write_bytes(make_pdf(pages=3))

    login(page, site, "tara@bund.example")
    page.goto(site + "/mein-programm/")
    page.get_by_role("link", name="Prüfungsleistungen").click()
    expect(page.locator("h1")).to_have_text("Prüfungsleistungen")
    _check(page, "liste", width)
    page.get_by_role("link", name=run.module.title).click()
    expect(page.get_by_text("Beschreiben Sie einen KI-Anwendungsfall")).to_be_visible()
    page.get_by_label("Ihre Arbeit (PDF)").set_input_files(str(paper))
    page.get_by_role("button", name="Arbeit abgeben").click()
    expect(page.get_by_text("Bitte bestätigen Sie die Eigenständigkeitserklärung.")).to_be_visible()
    _check(page, "abgabe-fehler", width)
    page.get_by_label("Ihre Arbeit (PDF)").set_input_files(str(paper))
    page.get_by_label("Ich bestätige die Eigenständigkeitserklärung.").check()
    page.get_by_role("button", name="Arbeit abgeben").click()
    expect(page.get_by_text("Ihre Fassung 1 ist abgegeben.")).to_be_visible()
    expect(page.get_by_text("Fassung 1: hausarbeit.pdf")).to_be_visible()
    _check(page, "abgegeben", width)
    number = Submission.objects.get().candidate_number

    login(page, site, "dora@uni.example")
    page.goto(site + "/bewertung/")
    _check(page, "bewertung-liste", width)
    page.get_by_role("link", name=run.module.title).click()
    expect(page.get_by_text("Tara")).to_have_count(0)
    _check(page, "bewertung-abgaben", width)
    page.get_by_role("link", name=f"Kandidat:in {number}").click()
    page.get_by_label("Note").fill("1,1")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.get_by_text("Diese Note gibt es nicht.")).to_be_visible()
    page.get_by_label("Note").fill("1,3")
    page.get_by_label("Rückmeldung").fill("Klar gegliedert, gut begründet.")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.get_by_text("Die Bewertung ist gespeichert.")).to_be_visible()
    _check(page, "bewertet", width)

    login(page, site, "team@example.org")
    page.goto(site + f"/bewertung/{assessment.pk}/")
    expect(page.get_by_role("link", name="Tara Teil")).to_be_visible()
    _check(page, "team", width)
    page.get_by_role("button", name="Alle Noten jetzt veröffentlichen").click()
    expect(page.get_by_text("1 Note ist veröffentlicht.")).to_be_visible()

    login(page, site, "tara@bund.example")
    page.goto(site + f"/mein-programm/pruefungen/{assessment.pk}/")
    expect(page.get_by_text("Klar gegliedert, gut begründet.")).to_be_visible()
    expect(page.get_by_text("1,3", exact=True)).to_be_visible()
    _check(page, "note", width)
