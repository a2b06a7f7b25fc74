"""Assessments: the grade scale, the declaration, late flag, extensions, resubmission history,
marking with a second marker, publication with a mail, a change after publication, resits."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kohorte.assessments import grading, services
from kohorte.assessments.models import Assessment, Submission
from kohorte.comms.delivery import deliver_due
from kohorte.core.models import AuditLog
from tests.factories import pdf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("text", "code"),
    [("1,0", "1.0"), ("1,3", "1.3"), ("1.7", "1.7"), ("2", "2.0"), ("4,0", "4.0"), ("5,0", "5.0")],
)
def test_the_german_scale_accepts_its_steps(text, code):
    assert grading.parse_grade(grading.GRADE_DE, text) == code


@pytest.mark.parametrize("text", ["1,1", "4,3", "4,7", "0,7", "6", "", "gut", "NaN", "1,35"])
def test_the_german_scale_refuses_everything_else(text):
    with pytest.raises(ValidationError) as error:
        grading.parse_grade(grading.GRADE_DE, text)
    assert error.value.messages == [
        "Diese Note gibt es nicht. Erlaubt sind: 1,0, 1,3, 1,7, 2,0, 2,3, 2,7, 3,0, 3,3, 3,7, "
        "4,0, 5,0."
    ]


def test_pass_fail_reads_words():
    assert grading.parse_grade(grading.PASS_FAIL, "Bestanden") == "passed"
    assert grading.parse_grade(grading.PASS_FAIL, "nicht bestanden") == "failed"
    with pytest.raises(ValidationError):
        grading.parse_grade(grading.PASS_FAIL, "1,0")
    assert grading.display("1.3") == "1,3"


def test_assessment_takes_scheme_and_ects_with_its_assumption(assessment, run):
    assert assessment.grading == "grade_de"
    assert assessment.ects == run.module.ects
    assert assessment.ects_is_assumption is (run.module.assumption_for("ects") is not None)
    assert AuditLog.objects.filter(action="assessments.created").count() == 1


def test_submission_needs_the_declaration(assessment, participant):
    with pytest.raises(ValidationError) as error:
        services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=False)
    assert error.value.message_dict == {
        "declaration": ["Bitte bestätigen Sie die Eigenständigkeitserklärung."]
    }
    assert not Submission.objects.exists()


def test_resubmission_keeps_history_and_the_declaration_text(assessment, participant):
    first = services.submit_work(
        assessment, participant, pdf("a.pdf"), actor=participant.user, declared=True
    )
    second = services.submit_work(
        assessment, participant, pdf("b.pdf", pages=2), actor=participant.user, declared=True
    )
    submission = Submission.objects.get()
    assert [(v.number, v.original_name) for v in submission.versions.all()] == [
        (2, "b.pdf"),
        (1, "a.pdf"),
    ]
    assert first.declaration == second.declaration == services.DECLARATION
    assert services.DECLARATION.startswith("Ich versichere, dass ich die vorliegende Arbeit")
    assert not first.late and not second.late
    assert AuditLog.objects.filter(action="assessments.submitted").count() == 2


def test_late_submission_is_marked_not_lost(assessment, participant):
    Assessment.objects.filter(pk=assessment.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assessment.refresh_from_db()
    version = services.submit_work(
        assessment, participant, pdf(), actor=participant.user, declared=True
    )
    assert version.late is True
    # a resubmission after the deadline is refused; the late version stays
    with pytest.raises(ValidationError) as error:
        services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    assert error.value.messages == [
        "Die Frist ist abgelaufen; es gilt Ihre zuletzt abgegebene Fassung."
    ]


def test_extension_changes_the_deadline_for_one_person_only(
    assessment, participant, other_participant, team
):
    Assessment.objects.filter(pk=assessment.pk).update(due_at=timezone.now() - timedelta(hours=1))
    assessment.refresh_from_db()
    with pytest.raises(ValidationError):
        services.grant_extension(
            assessment,
            participant,
            actor=team,
            due_at=timezone.now() + timedelta(days=3),
            reason=" ",
        )
    services.grant_extension(
        assessment,
        participant,
        actor=team,
        due_at=timezone.now() + timedelta(days=3),
        reason="Nachteilsausgleich",
    )
    mine = services.submit_work(
        assessment, participant, pdf(), actor=participant.user, declared=True
    )
    theirs = services.submit_work(
        assessment, other_participant, pdf(), actor=other_participant.user, declared=True
    )
    assert (mine.late, theirs.late) == (False, True)
    entry = AuditLog.objects.get(action="assessments.extension_granted")
    assert entry.actor == team
    assert entry.data["reason"] == "Nachteilsausgleich"


def _submit(assessment, participation):
    services.submit_work(assessment, participation, pdf(), actor=participation.user, declared=True)


def test_second_marker_within_threshold_gives_the_mean(
    assessment, participant, lecturer, second_lecturer
):
    Assessment.objects.filter(pk=assessment.pk).update(second_marker_required=True)
    assessment.refresh_from_db()
    _submit(assessment, participant)
    s = services.record_mark(assessment, participant, actor=lecturer, grade="1,3", feedback="Gut")
    assert (s.status, s.grade) == ("marked", "")
    with pytest.raises(ValidationError):  # not the same person twice
        services.record_mark(assessment, participant, actor=lecturer, grade="1,3")
    s = services.record_mark(assessment, participant, actor=second_lecturer, grade="2,3")
    assert (s.status, s.grade) == ("final", "1.7")  # 1,8 → the nearest step


def test_difference_beyond_threshold_is_flagged_and_agreed(
    assessment, participant, lecturer, second_lecturer
):
    Assessment.objects.filter(pk=assessment.pk).update(second_marker_required=True)
    assessment.refresh_from_db()
    _submit(assessment, participant)
    services.record_mark(assessment, participant, actor=lecturer, grade="1,3")
    s = services.record_mark(assessment, participant, actor=second_lecturer, grade="2,7")
    assert (s.status, s.grade) == ("disputed", "")
    s = services.agree_grade(s, actor=second_lecturer, grade="2,0", agreed_with=lecturer)
    assert (s.status, s.grade) == ("final", "2.0")
    assert set(s.agreed_by.all()) == {lecturer, second_lecturer}
    assert AuditLog.objects.get(action="assessments.agreed").data["agreed_by"] == [
        second_lecturer.pk,
        lecturer.pk,
    ]


def test_threshold_is_data(assessment, participant, lecturer, second_lecturer):
    Assessment.objects.filter(pk=assessment.pk).update(
        second_marker_required=True, disagreement_threshold="0.3"
    )
    assessment.refresh_from_db()
    _submit(assessment, participant)
    services.record_mark(assessment, participant, actor=lecturer, grade="1,3")
    s = services.record_mark(assessment, participant, actor=second_lecturer, grade="2,0")
    assert s.status == "disputed"


def test_oral_has_no_upload_and_the_marker_records_the_result(run, team, participant, lecturer):
    oral = services.create_assessment(
        run, actor=team, kind="oral", task="Prüfungsgespräch", due_at=timezone.now()
    )
    with pytest.raises(ValidationError):
        services.submit_work(oral, participant, pdf(), actor=participant.user, declared=True)
    s = services.record_mark(oral, participant, actor=lecturer, grade="1,7")
    assert (s.status, s.grade, s.versions.count()) == ("final", "1.7", 0)


def test_publication_at_the_set_time_sends_a_mail(
    assessment, participant, other_participant, lecturer, smtp_server
):
    _submit(assessment, participant)
    _submit(assessment, other_participant)
    services.record_mark(assessment, participant, actor=lecturer, grade="1,3")
    at = timezone.now() + timedelta(days=1)
    Assessment.objects.filter(pk=assessment.pk).update(publish_at=at)
    # not all marks final: nothing is published, even after the time
    assert services.publish_due_grades(now=at + timedelta(minutes=1)) == 0
    services.record_mark(assessment, other_participant, actor=lecturer, grade="5,0")
    assert services.publish_due_grades(now=at - timedelta(minutes=1)) == 0
    assert not Submission.objects.filter(status="published").exists()
    assert services.publish_due_grades(now=at + timedelta(minutes=1)) == 2
    assert set(Submission.objects.values_list("status", flat=True)) == {"published"}
    deliver_due()
    mails = {m["To"].addresses[0].addr_spec: m for m in smtp_server.messages}
    assert set(mails) == {"tara@bund.example", "otto@bund.example"}
    body = mails["tara@bund.example"].get_body(("plain",)).get_content()
    assert "ist bewertet: 1,3." in body
    assert mails["tara@bund.example"]["Subject"].startswith("Ihre Note im Modul „")


def test_published_grade_changes_only_with_a_reason(
    assessment, participant, lecturer, team, smtp_server
):
    _submit(assessment, participant)
    s = services.record_mark(assessment, participant, actor=lecturer, grade="2,0")
    services.publish_grades(assessment, actor=team)
    s.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.change_published_grade(s, actor=team, grade="1,7", reason="")
    assert error.value.message_dict == {"reason": ["Bitte nennen Sie den Grund der Änderung."]}
    services.change_published_grade(s, actor=team, grade="1,7", reason="Rechenfehler")
    s.refresh_from_db()
    assert s.grade == "1.7"
    entry = AuditLog.objects.get(action="assessments.grade_changed")
    assert entry.data == {
        "reason": "Rechenfehler",
        "before": {"grade": "2.0"},
        "after": {"grade": "1.7"},
    }
    deliver_due()
    changed = [m for m in smtp_server.messages if "geändert" in m["Subject"]]
    assert len(changed) == 1
    assert "Grund: Rechenfehler" in changed[0].get_body(("plain",)).get_content()


def test_a_failed_attempt_allows_a_resit(
    assessment, participant, other_participant, lecturer, team
):
    _submit(assessment, participant)
    _submit(assessment, other_participant)
    services.record_mark(assessment, participant, actor=lecturer, grade="5,0")
    services.record_mark(assessment, other_participant, actor=lecturer, grade="2,0")
    with pytest.raises(ValidationError):
        services.create_resit(assessment, actor=team, due_at=timezone.now() + timedelta(days=30))
    services.publish_grades(assessment, actor=team)
    resit = services.create_resit(
        assessment, actor=team, due_at=timezone.now() + timedelta(days=30)
    )
    assert resit.attempt == 2
    assert list(services.participants(resit)) == [participant]
    resit.status = "published"
    with pytest.raises(ValidationError):  # two attempts in all (data)
        services.create_resit(resit, actor=team, due_at=timezone.now() + timedelta(days=60))


def test_publication_runs_as_a_scheduled_job():
    from kohorte.core.schedule import jobs

    job = jobs()["assessments.publish_grades"]
    assert job.func.__name__ == "run_publication"


def test_the_resit_shows_only_to_who_failed(
    client, assessment, participant, other_participant, lecturer, team
):
    _submit(assessment, participant)
    _submit(assessment, other_participant)
    services.record_mark(assessment, participant, actor=lecturer, grade="5,0")
    services.record_mark(assessment, other_participant, actor=lecturer, grade="2,0")
    services.publish_grades(assessment, actor=team)
    resit = services.create_resit(
        assessment, actor=team, due_at=timezone.now() + timedelta(days=30)
    )
    client.force_login(participant.user)
    assert client.get(f"/mein-programm/pruefungen/{resit.pk}/").status_code == 200
    assert "2. Versuch" in client.get("/mein-programm/pruefungen/").content.decode()
    client.force_login(other_participant.user)
    assert client.get(f"/mein-programm/pruefungen/{resit.pk}/").status_code == 404
    assert "2. Versuch" not in client.get("/mein-programm/pruefungen/").content.decode()
