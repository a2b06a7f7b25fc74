"""Issue 14's story as new users live it, in one browser: a participant who has passed every
other module reads on her progress page what is still missing (her paper, with its due date);
she submits it with the declaration; the lecturer marks it, a second marker (another lecturer of
the module) disagrees beyond the threshold, and they agree on a grade; staff publish; she reads
her grade and that the completion rule is met; staff decide "completed" from the cohort matrix
and issue her transcript, which she downloads as a PDF. Everyone starts from the page they land
on and follows links (Mein Programm, Meine Lehre, the staff navigation). axe runs on every page;
her progress page is also checked on a 390 px phone. Screenshots go to
/tmp/shots-assessment-story/."""

import subprocess
from datetime import datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import check_page, login
from tests.factories import make_pdf

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-assessment-story")  # noqa: S108 (screenshots for people to look at)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# written out here, not taken from Django's formats: the page must say it in these words
MONTHS = [
    *("Januar", "Februar", "März", "April", "Mai", "Juni"),
    *("Juli", "August", "September", "Oktober", "November", "Dezember"),
]


def _day(day) -> str:
    return f"{day.day}. {MONTHS[day.month - 1]} {day.year}"


def _german(moment) -> str:
    local = timezone.localtime(moment)
    return f"{local.day}. {MONTHS[local.month - 1]} {local.year}, {local:%H:%M} Uhr"


def _world(django_user_model):
    """The 2nd cohort: Tara passed mandatory modules 1–3 and the elective (published results),
    attended 14 of 15 counted days; the paper of the last mandatory module (German grades, a
    second marker, disagreement threshold 0,7) is her last missing piece."""
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership
    from kohorte.assessments import services
    from kohorte.catalog.models import Cohort, Module, Person, Session
    from kohorte.teaching.models import Attendance, ElectivePlace
    from kohorte.teaching.services import enrol_participant

    cohort = Cohort.objects.select_related("program").get(slug="jahrgang-2")
    runs = list(cohort.runs.select_related("module").order_by("starts_on", "pk"))
    mandatory = [r for r in runs if r.module.kind == "mandatory"]
    elective = next(r for r in runs if r.module.kind != "mandatory")
    paper_run = mandatory[-1]
    Module.objects.filter(pk=paper_run.module_id).update(grading="grade_de")
    paper_run.module.refresh_from_db()
    users = {}
    for email, first, last, extra in [
        ("tara@bund.example", "Tara", "Teil", {}),
        ("dora@uni.example", "Dora", "Dozentin", {}),
        ("max@uni.example", "Max", "Zweitprüfer", {}),
        ("team@example.org", "Tina", "Team", {"is_staff": True}),
    ]:
        users[first] = django_user_model.objects.create_user(
            email, "pw", first_name=first, last_name=last, **extra
        )
        EmailAddress.objects.create(user=users[first], email=email, verified=True, primary=True)
    staff = users["Tina"]
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    for first in ("Dora", "Max"):
        Membership.objects.create(user=users[first], role="lecturer", cohort=cohort)
        paper_run.lecturers.add(
            Person.objects.create(
                slug=first.lower(),
                first_name=first,
                last_name=users[first].last_name,
                user=users[first],
            )
        )
    tara = enrol_participant(cohort, users["Tara"])
    ElectivePlace.objects.create(participation=tara, run=elective, source="staff")

    # every other required module: an oral, passed, published
    for run in [*mandatory[:-1], elective]:
        oral = services.create_assessment(
            run,
            actor=staff,
            kind="oral",
            task="Prüfungsgespräch",
            due_at=timezone.now() - timedelta(days=1),
        )
        services.record_mark(oral, tara, actor=staff, grade="passed")
        services.publish_grades(oral, actor=staff)

    # attendance: 13 days present, 1 late, 1 absent of the 15 days of her five modules
    days = list(Session.objects.filter(run__in=[*mandatory, elective]).order_by("date", "pk")[:15])
    assert len(days) == 15
    for i, day in enumerate(days):
        Attendance.objects.create(
            session=day,
            participation=tara,
            status="absent" if i == 3 else "late" if i == 7 else "present",
            source="staff",
            recorded_at=timezone.now(),
        )

    # due two weeks after the module's last day, 23:59 in Berlin
    due = timezone.make_aware(
        datetime.combine(paper_run.ends_on + timedelta(days=14), time(23, 59))
    )
    paper = services.create_assessment(
        paper_run,
        actor=staff,
        kind="paper",
        task="Entwerfen Sie eine Leitlinie für den Einsatz von KI in Ihrer Behörde.",
        due_at=due,
        max_pages=15,
        second_marker_required=True,
        disagreement_threshold=Decimal("0.7"),
    )
    return cohort, paper_run, paper, due


def _progress(page: Page, site: str, name: str) -> None:
    """From "Mein Programm" to her progress page, checked at 1280 px and at 390 px."""
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.get_by_role("link", name="Mein Programm", exact=True).click()
        page.get_by_role("link", name="Fortschritt und Abschluss").click()
        expect(page.locator("h1")).to_have_text("Fortschritt und Abschluss")
        check_page(page, SHOTS, f"{name}-{size['width']}")


def test_a_paper_from_submission_to_the_transcript(
    page: Page, site, settings, tmp_path, django_user_model
):
    from kohorte.assessments.models import Completion, Submission, Transcript
    from kohorte.core import issuer

    settings.DATA_DIR = tmp_path
    issuer.setup_issuer()
    cohort, run, paper, due = _world(django_user_model)
    module, title = run.module, run.module.title
    work = tmp_path / "leitlinie.pdf"
    work.write_bytes(make_pdf(pages=4))
    page.set_viewport_size(DESKTOP)

    # --- Tara, before she submits: what is missing, and by when --------------------------------
    login(page, site, "tara@bund.example")
    _progress(page, site, "1-fortschritt-vorher")
    missing = page.get_by_role("region", name="Was noch fehlt")
    expect(missing.get_by_role("listitem")).to_have_text(
        [
            f"Es fehlt noch: die Prüfungsleistung im Pflichtmodul „{title}“, fällig am {_german(due)}."
        ]
    )
    expect(page.get_by_text("Ihr Stand im")).to_contain_text("auf gutem Weg")
    done = page.get_by_role("region", name="Was erledigt ist")
    expect(done.get_by_text("Anwesenheit 93,3 % (Schwelle 80 %).")).to_be_visible()
    expect(done.get_by_text("12 ECTS-Punkte erreicht.")).to_be_visible()

    # --- she submits, with the declaration ----------------------------------------------------
    page.get_by_role("link", name="Zu Ihren Prüfungsleistungen").click()
    expect(page.locator("h1")).to_have_text("Prüfungsleistungen")
    check_page(page, SHOTS, "2-pruefungen")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_text("Entwerfen Sie eine Leitlinie")).to_be_visible()
    check_page(page, SHOTS, "3-abgabe")
    page.get_by_label("Ihre Arbeit (PDF)").set_input_files(str(work))
    page.get_by_label("Ich bestätige die Eigenständigkeitserklärung.").check()
    page.get_by_role("button", name="Arbeit abgeben").click()
    expect(page.get_by_text("Ihre Fassung 1 ist abgegeben.")).to_be_visible()
    expect(page.get_by_text("Fassung 1: leitlinie.pdf")).to_be_visible()
    check_page(page, SHOTS, "4-abgegeben")

    # --- Dora, the lecturer, marks it ---------------------------------------------------------
    login(page, site, "dora@uni.example")
    page.get_by_role("link", name="Meine Lehre").click()
    page.get_by_role("link", name="Prüfungsleistungen Ihrer Module bewerten").click()
    check_page(page, SHOTS, "5-bewertung-liste")
    page.get_by_role("link", name=title).click()
    expect(page.get_by_text("Ein Zweitgutachten ist erforderlich.")).to_be_visible()
    check_page(page, SHOTS, "6-abgaben")
    page.get_by_role("link", name="Tara Teil").click()
    check_page(page, SHOTS, "7-erstgutachten")
    page.get_by_label("Note").fill("1,7")
    page.get_by_label("Rückmeldung").fill("Gut begründet, die Risiken knapp behandelt.")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.get_by_text("Die Bewertung ist gespeichert.")).to_be_visible()
    expect(page.get_by_text("Erstgutachten: 1,7")).to_be_visible()
    check_page(page, SHOTS, "8-erstgutachten-gespeichert")

    # --- Max, the second marker, disagrees beyond the threshold -------------------------------
    login(page, site, "max@uni.example")
    page.get_by_role("link", name="Meine Lehre").click()
    page.get_by_role("link", name="Prüfungsleistungen Ihrer Module bewerten").click()
    page.get_by_role("link", name=title).click()
    page.get_by_role("link", name="Tara Teil").click()
    expect(page.get_by_role("heading", name="Zweitgutachten")).to_be_visible()
    check_page(page, SHOTS, "9-zweitgutachten")
    page.get_by_label("Note").fill("2,7")
    page.get_by_role("button", name="Bewertung speichern").click()
    expect(page.get_by_text("Die Bewertung ist gespeichert.")).to_be_visible()
    expect(page.get_by_role("heading", name="Einigung nötig")).to_be_visible()
    expect(page.get_by_text("Erstgutachten: 1,7")).to_be_visible()
    expect(page.get_by_text("Zweitgutachten: 2,7")).to_be_visible()
    expect(
        page.get_by_text("Die beiden Gutachten weichen stärker voneinander ab als erlaubt.")
    ).to_be_visible()
    check_page(page, SHOTS, "10-einigung-noetig")
    submission = Submission.objects.get(assessment=paper)
    assert (submission.status, submission.first_grade, submission.second_grade) == (
        "disputed",
        "1.7",
        "2.7",
    )

    # --- they agree; Dora records the agreed grade --------------------------------------------
    login(page, site, "dora@uni.example")
    page.get_by_role("link", name="Meine Lehre").click()
    page.get_by_role("link", name="Prüfungsleistungen Ihrer Module bewerten").click()
    page.get_by_role("link", name=title).click()
    page.get_by_role("link", name="Tara Teil").click()
    expect(page.get_by_text("Zweitgutachten: 2,7")).to_be_visible()
    page.get_by_label("Vereinbarte Note").fill("2,3")
    page.get_by_role("button", name="Vereinbarte Note speichern").click()
    expect(page.get_by_text("Die vereinbarte Note ist gespeichert.")).to_be_visible()
    check_page(page, SHOTS, "11-vereinbart")
    submission.refresh_from_db()
    assert submission.grade == "2.3"
    assert set(submission.agreed_by.values_list("email", flat=True)) == {
        "dora@uni.example",
        "max@uni.example",
    }

    # --- staff publish, from the navigation ---------------------------------------------------
    login(page, site, "team@example.org")
    page.get_by_role("link", name="Prüfungen", exact=True).first.click()
    page.get_by_role("link", name=cohort.name).click()
    check_page(page, SHOTS, "12-pruefungen-jahrgang")
    page.get_by_role("link", name="Hausarbeit").click()
    page.get_by_role("link", name="Zur Bewertung").click()
    check_page(page, SHOTS, "13-veroeffentlichen")
    page.get_by_role("button", name="Alle Noten jetzt veröffentlichen").click()
    # (the flash message says "1 Noten sind veröffentlicht.": reported, not asserted)
    expect(page.get_by_role("region", name="Veröffentlichung")).to_contain_text(
        f"Die Noten sind seit {_german(Submission.objects.get(assessment=paper).published_at)} veröffentlicht."
    )
    check_page(page, SHOTS, "14-veroeffentlicht")

    # --- Tara reads her grade, and that the rule is met ---------------------------------------
    login(page, site, "tara@bund.example")
    page.get_by_role("link", name="Mein Programm", exact=True).click()
    page.get_by_role("link", name="Prüfungsleistungen", exact=True).click()
    page.get_by_role("link", name=title).click()
    expect(page.get_by_text("2,3", exact=True)).to_be_visible()
    expect(page.get_by_text("Gut begründet, die Risiken knapp behandelt.")).to_be_visible()
    check_page(page, SHOTS, "15-note")
    _progress(page, site, "16-fortschritt-nachher")
    expect(page.get_by_text("Ihr Stand im")).to_contain_text("Regel erfüllt")
    missing = page.get_by_role("region", name="Was noch fehlt")
    expect(missing).to_contain_text(
        "Nichts: Die Abschlussregel ist erfüllt. Das Programmteam stellt den Abschluss fest."
    )
    expect(missing.get_by_role("listitem")).to_have_count(0)
    done = page.get_by_role("region", name="Was erledigt ist")
    expect(done.get_by_text(f"Pflichtmodul „{title}“ bestanden (2,3).")).to_be_visible()
    expect(done.get_by_text("15 ECTS-Punkte erreicht.")).to_be_visible()

    # --- staff decide "completed" from the matrix ---------------------------------------------
    login(page, site, "team@example.org")
    page.get_by_role("link", name="Lehrbetrieb").click()
    page.get_by_role("link", name=cohort.name).click()
    page.get_by_role("link", name="Fortschritt und Abschluss").click()
    check_page(page, SHOTS, "17-matrix")
    page.get_by_role(
        "button", name="Abschluss feststellen für alle, die die Regel erfüllen (1) …"
    ).click()
    check_page(page, SHOTS, "18-matrix-bestaetigen")
    assert not Completion.objects.exists()  # the first click only asks
    page.get_by_role("button", name="Ja, Abschluss für 1 Person feststellen").click()
    expect(page.get_by_text("Abschluss festgestellt für 1 Teilnehmer:in.")).to_be_visible()
    check_page(page, SHOTS, "19-matrix-entschieden")
    assert Completion.objects.current().get().participation.user.email == "tara@bund.example"

    # --- and issue her transcript in German ---------------------------------------------------
    page.get_by_role("link", name="Lehrbetrieb").click()
    page.get_by_role("link", name=cohort.name).click()
    page.get_by_role("link", name="Leistungsübersichten").click()
    today = _german(timezone.now()).split(",")[0]
    expect(page.get_by_role("row", name="Tara Teil")).to_contain_text(f"abgeschlossen am {today}")
    check_page(page, SHOTS, "20-zeugnisse")
    page.get_by_role("link", name="Ausstellen (Tara Teil, Deutsch)").click()
    expect(page.locator("h1")).to_have_text("Leistungsübersicht ausstellen")
    expect(page.get_by_role("listitem").filter(has_text=title)).to_have_text(
        f"{module.number}. {title}: 2,3, 3 ECTS"
    )
    check_page(page, SHOTS, "21-ausstellen")
    page.get_by_role("button", name="Jetzt ausstellen").click()
    expect(
        page.get_by_text(
            "Die Leistungsübersicht (Deutsch, Fassung 1) für Tara Teil ist ausgestellt."
        )
    ).to_be_visible()
    check_page(page, SHOTS, "22-ausgestellt")
    assert Transcript.objects.get().language == "de"

    # --- Tara downloads it from "Mein Programm" ------------------------------------------------
    login(page, site, "tara@bund.example")
    page.get_by_role("link", name="Mein Programm", exact=True).click()
    page.get_by_role("link", name="Leistungsübersicht", exact=True).click()
    expect(page.locator("h1")).to_have_text("Leistungsübersicht")
    check_page(page, SHOTS, "23-leistungsuebersicht")
    with page.expect_download() as info:
        page.get_by_role("link", name="Fassung 1 (Deutsch)").click()
    pdf = tmp_path / "download.pdf"
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    # -raw: the content stream's order, one table row after another
    text = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    words = " ".join(text.split())
    assert "Teilnehmer:in Tara Teil" in words
    assert f"Programm abgeschlossen am {today}" in words
    row = (
        f"{module.number}. {title} Pflichtmodul {_day(run.starts_on)} – {_day(run.ends_on)} 3* 2,3"
    )
    assert row in words, words
    _progress(page, site, "24-fortschritt-abgeschlossen")
    expect(page.get_by_text("Nichts: Der Abschluss ist festgestellt.")).to_be_visible()
