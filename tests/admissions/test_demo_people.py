"""Issue 11.7: the demo's applicants read like people: written German answers, and a function
that agrees with the leadership level."""

import re

import pytest

from kohorte.admissions.models import Application
from kohorte.catalog.models import Cohort
from kohorte.demo import admissions as demo

pytestmark = pytest.mark.django_db
SENTENCES = set(demo.AI_PROJECTS) | set(demo.AI_ROLES) | set(demo.AI_EXPECTATIONS)


def test_demo_applicants_answers_are_written_sentences(demo_catalog, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    cohort = Cohort.objects.get(slug="jahrgang-2")
    demo.load_demo_applications(cohort, None)
    answered = Application.objects.filter(cohort=cohort).exclude(ai_involvement="")
    assert answered.count() == 68  # every applicant past the first step (78 minus 10 drafts)
    answers = set()
    for application in answered:
        parts = re.split(r"(?<=[.!?]) (?=[A-ZÄÖÜ])", application.ai_involvement)
        assert len(parts) == 3 and set(parts) <= SENTENCES, application.ai_involvement
        answers.add(application.ai_involvement)
    assert len(answers) >= 40  # varied, not one text for all


def test_demo_function_agrees_with_leadership_level(demo_catalog, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    cohort = Cohort.objects.get(slug="jahrgang-2")
    demo.load_demo_applications(cohort, None)
    expected = {
        ("bund", 2): "Stellvertretende Referatsleitung",
        ("land", 3): "Referatsleitung",
        ("bund", 5): "Abteilungsleitung",
        ("kommune", 3): "Amtsleitung",
        ("kommune", 1): "Sachgebietsleitung",
        ("other", 1): "Teamleitung",
    }
    seen = 0
    for a in Application.objects.filter(cohort=cohort, leadership_level__isnull=False):
        assert a.job_title == demo.job_title(a.federal_level, a.leadership_level)
        if (a.federal_level, a.leadership_level) in expected:
            assert a.job_title == expected[(a.federal_level, a.leadership_level)]
            seen += 1
    assert seen > 0
