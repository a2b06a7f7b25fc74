"""The staff side of assessments in the browser: staff set an oral exam for a module, create a
resit for a published paper and extend one person's deadline; the lecturer reaches marking from
"Meine Lehre" and records an oral result. axe on every page; a 390 px phone check."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login
from tests.factories import make_pdf

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-assessment-admin")  # noqa: S108 (screenshots for people to look at)


def test_staff_sets_assessments_and_a_lecturer_records_an_oral(page: Page, site, django_user_model):
    import io

    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.assessments import services
    from kohorte.assessments.models import Assessment
    from kohorte.catalog.models import Cohort, Module, ModuleRun, Person
    from kohorte.teaching.services import enrol_participant

    page.set_viewport_size({"width": 1280, "height": 900})
    cohort = Cohort.objects.get(slug="jahrgang-2")
    oral_run, paper_run = ModuleRun.objects.filter(cohort=cohort, module__kind="mandatory")[:2]
    Module.objects.filter(pk__in=[oral_run.module_id, paper_run.module_id]).update(
        grading="grade_de"
    )
    users = {}
    for email, first, last, extra in [
        ("tara@bund.example", "Tara", "Teil", {}),
        ("pia@bund.example", "Pia", "Prüfling", {}),
        ("dora@uni.example", "Dora", "Dozentin", {}),
        ("team@example.org", "Tina", "Team", {"is_staff": True}),
    ]:
        users[first] = django_user_model.objects.create_user(
            email, "pw", first_name=first, last_name=last, **extra
        )
        EmailAddress.objects.create(user=users[first], email=email, verified=True, primary=True)
    staff, dora = users["Tina"], users["Dora"]
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    Membership.objects.create(user=dora, role="lecturer", cohort=cohort)
    oral_run.lecturers.add(
        Person.objects.create(slug="dora", first_name="Dora", last_name="D", user=dora)
    )
    tara = enrol_participant(cohort, users["Tara"])
    pia = enrol_participant(cohort, users["Pia"])
    paper = services.create_assessment(
        paper_run,
        actor=staff,
        kind="paper",
        task="Analysieren Sie einen Anwendungsfall.",
        due_at=timezone.now() - timedelta(days=3),
    )
    for person, grade in [(tara, "5,0"), (pia, "2,3")]:
        services.submit_work(
            paper, person, io.BytesIO(make_pdf()), actor=person.user, declared=True
        )
        services.record_mark(paper, person, actor=staff, grade=grade)
    services.publish_grades(paper, actor=staff)

    # staff: the nav leads to the cohort's assessments; set an oral for the first module
    login(page, site, "team@example.org")
    page.get_by_role("link", name="Prüfungen", exact=True).first.click()
    expect(page.locator("h1")).to_have_text("Prüfungen")
    check_page(page, SHOTS, "jahrgaenge")
    page.get_by_role("link", name=cohort.name).click()
    check_page(page, SHOTS, "jahrgang")
    page.get_by_role(
        "link", name=f"Prüfungsleistung für Modul {oral_run.module.number} anlegen"
    ).click()
    check_page(page, SHOTS, "anlegen")
    page.get_by_label("Art").select_option(label="mündliche Prüfung")
    page.get_by_label("Aufgabenstellung").fill("Prüfungsgespräch über Ihre Fallstudie.")
    page.get_by_label("Abgabe bis").fill("2027-01-05T10:00")
    page.get_by_label("anonyme Bewertung: Dozent:innen sehen Kandidatennummern statt Namen").check()
    page.get_by_role("button", name="Prüfungsleistung anlegen").click()
    expect(
        page.get_by_text("Anonym bewerten lassen sich nur Abgaben, keine Präsentationen")
    ).to_be_visible()
    check_page(page, SHOTS, "anlegen-fehler")
    page.get_by_label(
        "anonyme Bewertung: Dozent:innen sehen Kandidatennummern statt Namen"
    ).uncheck()
    page.get_by_role("button", name="Prüfungsleistung anlegen").click()
    expect(page.get_by_text("Die Prüfungsleistung ist angelegt.")).to_be_visible()
    expect(page.get_by_text("5. Januar 2027, 10:00 Uhr")).to_be_visible()
    check_page(page, SHOTS, "pruefung")

    # a resit for the published paper, then an extension for the person who failed
    page.goto(site + f"/verwaltung/pruefungen/{cohort.pk}/")
    page.get_by_role("link", name="Hausarbeit").click()
    expect(
        page.get_by_text("1 Person hat nicht bestanden und kann die Prüfung wiederholen.")
    ).to_be_visible()
    expect(page.get_by_role("img", name=f"Notenverteilung im Modul {paper_run.module.title}"))
    check_page(page, SHOTS, "hausarbeit")
    page.get_by_label("Abgabe bis (Wiederholung)").fill("2040-03-01T12:00")
    page.get_by_role("button", name="Wiederholungsprüfung anlegen").click()
    expect(page.get_by_text("Die Wiederholungsprüfung ist angelegt.")).to_be_visible()
    page.get_by_label("Teilnehmer:in").select_option(label="Tara Teil")
    page.get_by_label("Neue Frist").fill("2040-03-15T12:00")
    page.get_by_label("Grund").fill("Nachteilsausgleich")
    page.get_by_role("button", name="Frist verlängern").click()
    expect(page.get_by_text("Die Frist ist verlängert.")).to_be_visible()
    expect(
        page.get_by_text("Tara Teil: bis 15. März 2040, 12:00 Uhr – Nachteilsausgleich")
    ).to_be_visible()
    check_page(page, SHOTS, "wiederholung")
    resit = Assessment.objects.get(resit_of=paper)
    assert resit.extensions.get().participation == tara

    # the lecturer: from "Meine Lehre" to marking, and records the oral's result on a phone
    login(page, site, "dora@uni.example")
    page.goto(site + "/lehre/")
    page.get_by_role("link", name="Prüfungsleistungen Ihrer Module bewerten").click()
    check_page(page, SHOTS, "bewertung-liste")
    page.get_by_role("link", name=oral_run.module.title).click()
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_role("heading", name="Ergebnis festhalten")).to_be_visible()
    check_page(page, SHOTS, "muendlich-390")
    page.get_by_label("Teilnehmer:in").select_option(label="Pia Prüfling")
    page.get_by_label("Note").fill("1,7")
    page.get_by_label("Rückmeldung").fill("Sicher und gut begründet.")
    page.get_by_role("button", name="Ergebnis speichern").click()
    expect(page.get_by_text("Das Ergebnis von Pia Prüfling ist festgehalten.")).to_be_visible()
    expect(page.get_by_text("Für 1 Person fehlt noch das Ergebnis.")).to_be_visible()
    check_page(page, SHOTS, "muendlich-erfasst-390")
    oral = Assessment.objects.get(run=oral_run)
    assert oral.submissions.get().grade == "1.7"

    # staff on a phone: the cohort's assessments and the paper's page with its chart
    login(page, site, "team@example.org")
    page.goto(site + f"/verwaltung/pruefungen/{cohort.pk}/")
    expect(page.get_by_role("cell", name="mündliche Prüfung")).to_be_visible()
    check_page(page, SHOTS, "jahrgang-390")
    page.goto(site + f"/verwaltung/pruefungen/{cohort.pk}/{paper.pk}/")
    check_page(page, SHOTS, "hausarbeit-390")
