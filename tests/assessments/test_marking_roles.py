"""Who may settle a disputed grade: only its two markers (or the programme's staff), never a
third lecturer of the run who marked nothing."""

import pytest

from kohorte.assessments import services
from kohorte.assessments.models import Assessment, Submission
from kohorte.core.models import AuditLog
from tests.assessments.conftest import _lecturer
from tests.factories import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def disputed(assessment, participant, lecturer, second_lecturer):
    Assessment.objects.filter(pk=assessment.pk).update(second_marker_required=True)
    assessment.refresh_from_db()
    services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    services.record_mark(assessment, participant, actor=lecturer, grade="1,3")
    submission = services.record_mark(assessment, participant, actor=second_lecturer, grade="2,7")
    assert submission.status == "disputed"
    return submission


def test_a_third_lecturer_of_the_run_cannot_set_the_agreed_grade(
    client, django_user_model, run, assessment, disputed
):
    third = _lecturer(django_user_model, run, "dritt@uni.example", "Dirk", "Dritt")
    client.force_login(third)
    url = f"/bewertung/{assessment.pk}/abgaben/{disputed.candidate_number}/"
    assert "Vereinbarte Note speichern" not in client.get(url).content.decode()
    response = client.post(url, {"action": "agree", "grade": "1,0"})
    assert response.status_code == 404
    disputed.refresh_from_db()
    assert (disputed.status, disputed.grade) == ("disputed", "")
    assert not AuditLog.objects.filter(action="assessments.agreed").exists()


def test_the_second_marker_still_sets_the_agreed_grade(
    client, assessment, disputed, lecturer, second_lecturer
):
    client.force_login(second_lecturer)
    url = f"/bewertung/{assessment.pk}/abgaben/{disputed.candidate_number}/"
    assert "Vereinbarte Note speichern" in client.get(url).content.decode()
    response = client.post(url, {"action": "agree", "grade": "2,0"})
    assert response.status_code == 302
    submission = Submission.objects.get(pk=disputed.pk)
    assert (submission.status, submission.grade) == ("final", "2.0")
    assert set(submission.agreed_by.all()) == {lecturer, second_lecturer}
