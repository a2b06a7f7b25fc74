"""Lecturing demo data: the demo lecturer ``dozentin@example.org`` (Dora Dozent) gets a lecturer
profile linked to her account and teaches three module runs of the 2024 cohort (two mandatory
modules and an elective) and one of the current cohort. Every run of the 2024 cohort has
materials (small generated PDFs, two links); one PDF becomes visible to participants only in
30 days."""

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from kohorte.demo.catalog import CURRENT_COHORT, PAST_COHORT

LECTURER_SLUG = "dora-dozent"
PAST_MODULES = [1, 3, 5]  # 5 is an elective
CURRENT_MODULES = [2]
LINKS = {
    1: (
        "Hintergrund: KI-Strategie der Bundesregierung",
        "https://www.ki-strategie-deutschland.de/",
    ),
    2: ("Leseempfehlung: Datenstrategie", "https://www.bundesregierung.de/"),
}


def load_lecturing_demo(program, lecturer, staff) -> None:
    """Idempotent: does nothing once the lecturer has her profile."""
    from kohorte.catalog.models import Person

    if Person.objects.filter(user=lecturer).exists():
        return
    with transaction.atomic():
        _load(program, lecturer, staff)


def _load(program, lecturer, staff) -> None:
    from kohorte.catalog.models import ModuleRun, Person
    from kohorte.demo.admissions import text_pdf
    from kohorte.teaching import services

    person = Person.objects.create(
        slug=LECTURER_SLUG,
        academic_title="Dr.",
        first_name=lecturer.first_name,
        last_name=lecturer.last_name,
        affiliation="Demo-Hochschule für Verwaltung",
        user=lecturer,
    )
    runs = ModuleRun.objects.filter(cohort__program=program).select_related("module", "cohort")
    for run in runs:
        mine = (run.cohort.slug == PAST_COHORT and run.module.number in PAST_MODULES) or (
            run.cohort.slug == CURRENT_COHORT and run.module.number in CURRENT_MODULES
        )
        if mine:
            run.lecturers.add(person)
    now = timezone.now()
    for run in runs.filter(cohort__slug=PAST_COHORT).order_by("starts_on"):
        module = run.module
        actor = lecturer if run.module.number in PAST_MODULES else staff
        released = now - timedelta(days=7)
        services.add_material(
            run,
            actor=actor,
            title=f"Folien Modul {module.number}",
            description=f"Die Folien aller Tage von „{module.title}“.",
            uploaded=SimpleUploadedFile(
                f"folien-modul-{module.number}.pdf",
                text_pdf([f"Modul {module.number}: {module.title}", "Folien"], pages=3),
                "application/pdf",
            ),
            released_at=released,
        )
        if module.number in LINKS:
            title, url = LINKS[module.number]
            services.add_material(run, actor=actor, title=title, url=url, released_at=released)
        if module.number == PAST_MODULES[0]:
            services.add_material(
                run,
                actor=lecturer,
                title="Fallstudie für die Abschlussarbeit",
                description="Wird nach dem letzten Modultag freigegeben.",
                uploaded=SimpleUploadedFile(
                    "fallstudie.pdf",
                    text_pdf([f"Modul {module.number}", "Fallstudie"], pages=2),
                    "application/pdf",
                ),
                released_at=now + timedelta(days=30),
            )
