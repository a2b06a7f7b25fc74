"""The grade that counts per module: a pass beats a later attempt, a resit replaces a fail,
unpublished marks count for nothing."""

import pytest

from kohorte.assessments.models import Assessment, Submission
from kohorte.assessments.results import module_results
from kohorte.assessments.services import create_resit

pytestmark = pytest.mark.django_db


def _publish(assessment, participant, grade, number):
    return Submission.objects.create(
        assessment=assessment,
        participation=participant,
        candidate_number=number,
        status=Submission.Status.PUBLISHED,
        grade=grade,
    )


def test_resit_replaces_a_failed_attempt(assessment, participant, team):
    _publish(assessment, participant, "5.0", 1)
    first = module_results([participant.pk])[participant.pk][assessment.run.module_id]
    assert (first.grade, first.passed, first.attempts_left) == ("5.0", False, 1)
    assessment.status = Assessment.Status.PUBLISHED  # as publish_grades leaves it
    assessment.save(update_fields=["status"])
    resit = create_resit(assessment, actor=team, due_at=assessment.due_at)
    _publish(resit, participant, "3.7", 2)
    result = module_results([participant.pk])[participant.pk][assessment.run.module_id]
    assert (result.grade, result.passed, result.attempt, result.grade_display) == (
        "3.7",
        True,
        2,
        "3,7",
    )


def test_unpublished_marks_count_for_nothing(assessment, participant):
    Submission.objects.create(
        assessment=assessment,
        participation=participant,
        candidate_number=1,
        status=Submission.Status.FINAL,
        grade="1.0",
    )
    assert module_results([participant.pk]) == {}
