"""Completion as people use it: a participant reads her progress with what is missing and by
when (desktop and a 390 px phone); the programme team reads the cohort matrix, filters who is at
risk, decides "completed" in bulk after a confirmation and a single case with a reason. axe runs
on every page. Screenshots go to /tmp/shots-completion/."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-completion")  # noqa: S108 (screenshots for people to look at)


def _world(django_user_model):
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.assessments import services
    from kohorte.assessments.models import Submission
    from kohorte.catalog.models import Cohort, Session
    from kohorte.teaching.models import Attendance, ElectivePlace
    from kohorte.teaching.services import enrol_participant

    cohort = Cohort.objects.get(slug="jahrgang-2")
    runs = list(cohort.runs.select_related("module").order_by("starts_on", "pk"))
    mandatory = [r for r in runs if r.module.kind == "mandatory"]
    elective = next(r for r in runs if r.module.kind != "mandatory")
    staff = django_user_model.objects.create_user(
        "team@example.org", "pw", is_staff=True, first_name="Tina", last_name="Team"
    )
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    EmailAddress.objects.create(user=staff, email=staff.email, verified=True, primary=True)
    due = timezone.now() + timedelta(days=20)
    assessments = {
        r.pk: services.create_assessment(r, actor=staff, kind="paper", task="t", due_at=due)
        for r in runs
    }
    people = {}
    number = 100
    for email, first, last in [
        ("tara@bund.example", "Tara", "Teil"),
        ("bert@bund.example", "Bert", "Bestanden"),
        ("carla@bund.example", "Carla", "Fehltage"),
        ("dana@bund.example", "Dana", "Anerkannt"),
    ]:
        user = django_user_model.objects.create_user(email, "pw", first_name=first, last_name=last)
        EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        p = enrol_participant(cohort, user)
        ElectivePlace.objects.create(participation=p, run=elective, source="staff")
        people[first] = p
        passed = [*mandatory, elective]
        if first == "Tara":
            passed = [*passed[:-2], elective]  # the last mandatory paper is still open
        if first == "Dana":
            passed = passed[:2]
        for run in passed:
            number += 1
            Submission.objects.create(
                assessment=assessments[run.pk],
                participation=p,
                candidate_number=number,
                status="published",
                grade="passed",
                published_at=timezone.now(),
            )
    days = Session.objects.filter(run=mandatory[0]).order_by("date")[:3]
    for day, status in zip(days, ["absent", "absent", "present"], strict=False):
        Attendance.objects.create(
            session=day,
            participation=people["Carla"],
            status=status,
            source="staff",
            recorded_at=timezone.now(),
        )
    return cohort, mandatory[-1], staff


def test_progress_and_completion_decisions(page: Page, site, django_user_model):
    from kohorte.assessments.models import Completion

    cohort, open_run, _staff = _world(django_user_model)
    login(page, site, "tara@bund.example")
    for width, height in [(390, 844), (1280, 900)]:
        page.set_viewport_size({"width": width, "height": height})
        page.goto(site + "/mein-programm/")
        page.get_by_role("link", name="Fortschritt und Abschluss").click()
        expect(page.locator("h1")).to_have_text("Fortschritt und Abschluss")
        expect(
            page.get_by_text(
                f"Es fehlt noch: die Prüfungsleistung im Pflichtmodul „{open_run.module.title}“, "
                "fällig am"
            )
        ).to_be_visible()
        expect(page.get_by_text("auf gutem Weg")).to_be_visible()
        check_page(page, SHOTS, f"fortschritt-{width}")

    login(page, site, "team@example.org")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site + f"/verwaltung/abschluss/{cohort.pk}/")
    matrix = page.get_by_role("region", name="Teilnehmer:innen × Module: 4 Personen")
    expect(matrix).to_be_visible()
    check_page(page, SHOTS, "matrix-1280")
    page.get_by_role("link", name="gefährdet (1)").click()
    expect(page.get_by_role("link", name="Carla Fehltage")).to_be_visible()
    expect(page.get_by_role("link", name="Bert Bestanden")).to_have_count(0)
    check_page(page, SHOTS, "matrix-gefaehrdet")
    page.get_by_role("link", name="alle (4)").click()
    page.get_by_role(
        "button", name="Abschluss feststellen für alle, die die Regel erfüllen (1) …"
    ).click()
    expect(page.get_by_role("heading", name="Abschluss feststellen")).to_be_visible()
    check_page(page, SHOTS, "matrix-bestaetigen")
    assert not Completion.objects.exists()  # the first click only asks
    page.get_by_role("button", name="Ja, Abschluss für 1 Person feststellen").click()
    expect(page.get_by_text("Abschluss festgestellt für 1 Teilnehmer:in.")).to_be_visible()
    page.get_by_role("link", name="abgeschlossen (1)").click()
    expect(page.get_by_role("link", name="Bert Bestanden")).to_be_visible()

    page.get_by_role("link", name="alle (4)").click()
    page.get_by_role("link", name="Dana Anerkannt").click()
    expect(page.locator("h1")).to_have_text("Abschluss – Dana Anerkannt")
    page.get_by_role("button", name="Abschluss feststellen").click()
    expect(
        page.get_by_text(
            "Die Abschlussregel ist nicht erfüllt: Bitte begründen Sie die Entscheidung."
        )
    ).to_be_visible()
    check_page(page, SHOTS, "person-fehler")
    page.get_by_label("Begründung").fill("Module 3 und 4 aus dem EMPA anerkannt")
    page.get_by_role("button", name="Abschluss feststellen").click()
    expect(page.get_by_text("Der Abschluss von Dana Anerkannt ist festgestellt.")).to_be_visible()
    check_page(page, SHOTS, "person-entschieden")
    assert Completion.objects.get(participation__user__email="dana@bund.example").reason == (
        "Module 3 und 4 aus dem EMPA anerkannt"
    )
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(site + f"/verwaltung/abschluss/{cohort.pk}/")
    check_page(page, SHOTS, "matrix-390")
