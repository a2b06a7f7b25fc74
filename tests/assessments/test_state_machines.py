"""One door per state: a submission moves only through ``set_submission_status``, an
assessment only through ``publish_grades``; every illegal move is refused without an audit row."""

import pytest
from django.core.exceptions import ValidationError

from kohorte.assessments import services
from kohorte.assessments.models import Assessment, Submission
from kohorte.core.models import AuditLog
from kohorte.core.transitions import move
from tests.factories import pdf

pytestmark = pytest.mark.django_db


def _illegal(table):
    return [(old, new) for old in table for new in table if new not in table[old]]


SUBMISSION_ILLEGAL = _illegal(Submission.TRANSITIONS)


def test_the_tables_are_complete():
    assert set(Submission.TRANSITIONS) == set(Submission.Status.values)
    assert set(Assessment.TRANSITIONS) == set(Assessment.Status.values)
    # 25 pairs; allowed: open → marked/final, marked → disputed/final, disputed → final,
    # final → published
    assert len(SUBMISSION_ILLEGAL) == 19
    assert _illegal(Assessment.TRANSITIONS) == [
        ("open", "open"),
        ("published", "open"),
        ("published", "published"),
    ]


@pytest.mark.parametrize(("old", "new"), SUBMISSION_ILLEGAL)
def test_submission_refuses_every_illegal_transition(assessment, participant, old, new):
    submission = Submission.objects.create(
        assessment=assessment, participation=participant, candidate_number=1001, status=old
    )
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.set_submission_status(submission, new, action="assessments.marked", actor=None)
    submission.refresh_from_db()
    assert submission.status == old
    assert AuditLog.objects.count() == before


@pytest.mark.parametrize(("old", "new"), _illegal(Assessment.TRANSITIONS))
def test_assessment_refuses_every_illegal_transition(assessment, old, new):
    Assessment.objects.filter(pk=assessment.pk).update(status=old)
    assessment.refresh_from_db()
    with pytest.raises(ValidationError):
        move(assessment, "status", new, Assessment.TRANSITIONS, "nein")
    assessment.refresh_from_db()
    assert assessment.status == old


def test_published_grades_are_not_published_twice(assessment, participant, lecturer, team):
    services.submit_work(
        assessment,
        participant,
        pdf(),
        actor=participant.user,
        declared=True,
    )
    services.record_mark(assessment, participant, actor=lecturer, grade="1,0")
    services.publish_grades(assessment, actor=team)
    before = AuditLog.objects.count()
    with pytest.raises(ValidationError):
        services.publish_grades(assessment, actor=team)
    assert AuditLog.objects.count() == before
