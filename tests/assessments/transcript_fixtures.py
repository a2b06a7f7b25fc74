"""Shared fixtures of the transcript and credit-export tests: a local issuer, and a cohort whose
first mandatory module is graded on the German scale for twelve participants (enough for the
ECTS grading table) and whose second module is passed/failed."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

# The German grades of the twelve participants in the graded module; Tara (the first) has 1.3.
GRADES = ["1.3", "1.0", "1.3", "1.7", "2.0", "2.0", "2.3", "2.7", "3.0", "3.3", "4.0", "5.0"]


@pytest.fixture
def issuer_ready(settings, tmp_path):
    from kohorte.core import issuer

    settings.DATA_DIR = tmp_path
    settings.KOHORTE_BASE_URL = "http://127.0.0.1:9"
    issuer.setup_issuer()
    return tmp_path / "issuer"


def _publish(assessment, participation, grade, number, marker=None):
    from kohorte.assessments.models import Submission

    return Submission.objects.create(
        assessment=assessment,
        participation=participation,
        candidate_number=number,
        status=Submission.Status.PUBLISHED,
        grade=grade,
        first_grade=grade,
        first_marker=marker,
        published_at=timezone.now(),
    )


@pytest.fixture
def graded(cohort, run, team, participant, lecturer, django_user_model):
    """{"cohort", "participants" (Tara first), "graded_run", "pf_run", "graded", "pf"}."""
    from kohorte.catalog.models import Module, ModuleRun
    from kohorte.teaching.services import enrol_participant

    others = [
        enrol_participant(
            cohort,
            user := django_user_model.objects.create_user(
                f"p{i:02d}@bund.example", "x", first_name=f"Paula{i:02d}", last_name="Probe"
            ),
            actor=user,
        )
        for i in range(1, len(GRADES))
    ]
    participations = [participant, *others]
    from kohorte.assessments.services import create_assessment

    graded_assessment = create_assessment(
        run, actor=team, kind="paper", task="Papier", due_at=timezone.now() - timedelta(days=3)
    )
    pf_run = (
        ModuleRun.objects.select_related("module")
        .filter(cohort=cohort, module__kind=Module.Kind.MANDATORY)
        .exclude(pk=run.pk)
        .order_by("starts_on")
        .first()
    )
    pf_assessment = create_assessment(
        pf_run, actor=team, kind="oral", task="Prüfung", due_at=timezone.now() - timedelta(days=2)
    )
    for number, (p, grade) in enumerate(zip(participations, GRADES, strict=True), start=1):
        _publish(graded_assessment, p, grade, 1000 + number, marker=lecturer)
        _publish(pf_assessment, p, "passed", 2000 + number)
    return {
        "cohort": cohort,
        "participants": participations,
        "graded_run": run,
        "pf_run": pf_run,
        "graded": graded_assessment,
        "pf": pf_assessment,
    }


@pytest.fixture
def completed(graded, team):
    from kohorte.assessments.models import Completion

    return Completion.objects.create(
        participation=graded["participants"][0],
        rule_met=True,
        ects=6,
        completed_on=date(2026, 11, 20),
        decided_by=team,
    )
