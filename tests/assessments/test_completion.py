"""Completion on real rows: the standing read from published grades, attendance and elective
places; the decision services (single with a reason, bulk, withdrawal) with their audit rows
and mails; the progress page, the staff matrix and the person page (content, filters, the
bulk confirmation step, constant queries)."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kohorte.assessments import services
from kohorte.assessments.completion import State, Verdict, standing, standings
from kohorte.assessments.models import Assessment, Completion, Extension, Submission
from kohorte.catalog.models import CompletionRule, Session
from kohorte.comms.models import OutboxMessage
from kohorte.core.models import AuditLog
from kohorte.teaching.models import Attendance, ElectivePlace
from kohorte.teaching.services import enrol_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(cohort, team):
    """An assessment per run of the cohort (due in a week); the elective runs."""
    runs = list(cohort.runs.select_related("module").order_by("starts_on", "pk"))
    due = timezone.now() + timedelta(days=7)
    assessments = {
        r.pk: services.create_assessment(r, actor=team, kind="paper", task="t", due_at=due)
        for r in runs
    }
    return {
        "runs": runs,
        "mandatory": [r for r in runs if r.module.kind == "mandatory"],
        "electives": [r for r in runs if r.module.kind != "mandatory"],
        "assessments": assessments,
    }


_numbers = iter(range(5000, 999999))


def grade(assessment, participation, value="passed"):
    return Submission.objects.create(
        assessment=assessment,
        participation=participation,
        candidate_number=next(_numbers),
        status=Submission.Status.PUBLISHED,
        grade=value,
        published_at=timezone.now(),
    )


def complete_all(world, participation, *, elective=0):
    ElectivePlace.objects.get_or_create(
        participation=participation, run=world["electives"][elective], defaults={"source": "staff"}
    )
    for run in [*world["mandatory"], world["electives"][elective]]:
        grade(world["assessments"][run.pk], participation)


def attend(participation, run, statuses):
    for i, status in enumerate(statuses):
        session = Session.objects.filter(run=run).order_by("date", "starts_at")[i]
        Attendance.objects.create(
            session=session,
            participation=participation,
            status=status,
            source="staff",
            recorded_at=timezone.now(),
        )


def test_standing_meets_the_rule_when_all_passed(world, participant):
    complete_all(world, participant)
    mine = standing(participant)
    assert mine.verdict == Verdict.MET
    assert mine.judgement.missing == []
    assert mine.judgement.result.ects == sum(
        r.module.ects for r in [*world["mandatory"], world["electives"][0]]
    )
    # the other elective: no place, shown in words
    other = next(c for c in mine.cells if c.run_id == world["electives"][1].pk)
    assert other.state == State.NOT_TAKEN and other.words == "nicht belegt"


def test_standing_names_the_open_elective_with_the_persons_extension(world, participant, team):
    complete_all(world, participant)
    elective = world["electives"][0]
    Submission.objects.filter(
        participation=participant, assessment=world["assessments"][elective.pk]
    ).delete()
    extended = timezone.make_aware(timezone.datetime(2031, 1, 5, 23, 59))
    Extension.objects.create(
        assessment=world["assessments"][elective.pk],
        participation=participant,
        due_at=extended,
        reason="Nachteilsausgleich",
    )
    mine = standing(participant)
    assert mine.verdict == Verdict.ON_TRACK
    assert mine.judgement.missing == [
        "Es fehlt noch 1 bestandenes Wahlmodul.",
        f"Es fehlt noch: die Prüfungsleistung im Wahlmodul „{elective.module.title}“, fällig am "
        "5. Januar 2031, 23:59 Uhr.",
    ]


def test_standing_failed_with_resit_then_passed_on_resit(world, participant, team):
    complete_all(world, participant)
    first = world["assessments"][world["mandatory"][0].pk]
    Submission.objects.filter(participation=participant, assessment=first).update(grade="failed")
    Assessment.objects.filter(pk=first.pk).update(status="published")
    mine = standing(participant)
    title = world["mandatory"][0].module.title
    assert mine.verdict == Verdict.AT_RISK
    assert mine.judgement.missing == [
        f"Im Pflichtmodul „{title}“ ist der 1. Versuch nicht bestanden; eine Wiederholung ist "
        "möglich (noch 1 Versuch)."
    ]
    first.refresh_from_db()
    resit = services.create_resit(
        first, actor=team, due_at=timezone.make_aware(timezone.datetime(2031, 3, 1, 12, 0))
    )
    assert standing(participant).judgement.missing == [
        f"Im Pflichtmodul „{title}“ ist der 1. Versuch nicht bestanden; die Wiederholung ist "
        "fällig am 1. März 2031, 12:00 Uhr."
    ]
    grade(resit, participant)
    assert standing(participant).verdict == Verdict.MET


def test_standing_failed_with_no_attempt_left_cannot_complete(world, participant):
    complete_all(world, participant)
    first = world["assessments"][world["mandatory"][0].pk]
    Assessment.objects.filter(pk=first.pk).update(max_attempts=1)
    Submission.objects.filter(participation=participant, assessment=first).update(grade="failed")
    mine = standing(participant)
    assert mine.verdict == Verdict.CANNOT
    assert mine.judgement.missing == [
        f"Das Pflichtmodul „{world['mandatory'][0].module.title}“ kann nicht mehr bestanden "
        "werden: Der Versuch ist nicht bestanden, eine Wiederholung gibt es nicht."
    ]


def test_standing_below_attendance_threshold_is_at_risk(world, participant):
    complete_all(world, participant)
    attend(participant, world["mandatory"][0], ["present", "absent", "absent"])
    mine = standing(participant)
    assert mine.verdict == Verdict.AT_RISK
    assert mine.judgement.missing == [
        "Die Anwesenheit liegt bei 33,3 %, unter der Schwelle von 80 %."
    ]
    CompletionRule.objects.filter(cohort=participant.cohort).update(attendance_threshold=30)
    assert standing(participant).verdict == Verdict.MET


def test_decide_completion_against_the_rule_needs_a_reason(world, participant, team):
    with pytest.raises(ValidationError) as error:
        services.decide_completion(participant, actor=team)
    assert "reason" in error.value.error_dict
    completion = services.decide_completion(
        participant, actor=team, reason="Leistungen aus dem EMPA anerkannt"
    )
    assert completion.rule_met is False and completion.reason == "Leistungen aus dem EMPA anerkannt"
    log = AuditLog.objects.get(action="assessments.completed")
    assert log.data["rule_met"] is False and log.data["bulk"] is False
    assert standing(participant).verdict == Verdict.COMPLETED
    with pytest.raises(ValidationError):
        services.decide_completion(participant, actor=team, reason="noch einmal")


def test_decide_completions_in_bulk_only_for_those_who_meet_the_rule(
    world, cohort, participant, other_participant, team
):
    complete_all(world, participant)
    complete_all(world, other_participant, elective=1)
    Submission.objects.filter(participation=other_participant).first().delete()
    assert services.decide_completions(cohort, actor=team) == 1
    assert services.decide_completions(cohort, actor=team) == 0  # no second decision
    completion = Completion.objects.current().get()
    assert completion.participation == participant and completion.rule_met
    assert completion.completed_on == timezone.localdate()
    logs = AuditLog.objects.filter(action="assessments.completed")
    assert [log.data["bulk"] for log in logs] == [True]
    mail = OutboxMessage.objects.get(event_key="assessments.completion_decided")
    assert mail.recipient_email == "tara@bund.example"
    assert "Sie haben das Programm" in mail.body_text
    assert "mit insgesamt 15 ECTS-Punkten" in mail.body_text


def test_completion_mail_in_english_for_an_english_speaker(world, participant, team):
    participant.user.preferred_language = "en"
    participant.user.save()
    complete_all(world, participant)
    services.decide_completion(participant, actor=team)
    mail = OutboxMessage.objects.get(event_key="assessments.completion_decided")
    assert mail.subject.startswith("You have completed")
    today = timezone.localdate()
    assert (
        f"on {today.day} {today:%B} {today.year}, with 15 ECTS credits in total" in mail.body_text
    )


def test_withdraw_completion_keeps_the_row_and_needs_a_reason(world, participant, team):
    complete_all(world, participant)
    completion = services.decide_completion(participant, actor=team)
    with pytest.raises(ValidationError):
        services.withdraw_completion(completion, actor=team, reason=" ")
    services.withdraw_completion(completion, actor=team, reason="Note korrigiert")
    completion.refresh_from_db()
    assert completion.withdrawn_at and completion.withdrawn_reason == "Note korrigiert"
    assert standing(participant).verdict == Verdict.MET
    assert AuditLog.objects.filter(action="assessments.completion_withdrawn").count() == 1
    # a new decision is a new row
    services.decide_completion(participant, actor=team)
    assert Completion.objects.filter(participation=participant).count() == 2


def test_progress_page_says_what_is_missing_and_by_when(client, world, participant):
    complete_all(world, participant)
    title = world["mandatory"][-1].module.title
    Submission.objects.filter(
        participation=participant, assessment=world["assessments"][world["mandatory"][-1].pk]
    ).delete()
    client.force_login(participant.user)
    page = client.get("/mein-programm/fortschritt/").content.decode()
    assert '<h1 class="kern-heading-x-large">Fortschritt und Abschluss</h1>' in page
    assert f"Es fehlt noch: die Prüfungsleistung im Pflichtmodul „{title}“, fällig am" in page
    assert "auf gutem Weg" in page
    assert "Die Abschlussregel des Jahrgangs:" in page
    programme = client.get("/mein-programm/").content.decode()
    assert 'href="/mein-programm/fortschritt/"' in programme


def test_matrix_filters_and_bulk_confirmation(
    client, world, cohort, participant, other_participant, team
):
    complete_all(world, participant)
    complete_all(world, other_participant)
    attend(other_participant, world["mandatory"][0], ["absent", "absent", "present"])
    client.force_login(team)
    url = f"/verwaltung/abschluss/{cohort.pk}/"
    page = client.get(url).content.decode()
    assert "Tara Teil" in page and "Otto Ohnename" in page
    assert '<td class="kern-table__cell">bestanden</td>' in page  # pass/fail: no "(bestanden)"
    assert "bestanden (bestanden)" not in page
    assert "gefährdet (1)" in page and "Regel erfüllt (1)" in page
    risk = client.get(url + "?zeigen=gefaehrdet").content.decode()
    assert "Otto Ohnename" in risk and "Tara Teil" not in risk
    # the button leads to a confirmation first; GET never decides
    confirm = client.get(url + "?bestaetigen=1").content.decode()
    assert "Ja, Abschluss für 1 Person feststellen" in confirm
    assert not Completion.objects.exists()
    response = client.post(url, {"action": "decide_all"})
    assert response.status_code == 302
    assert Completion.objects.get().participation == participant
    done = client.get(url + "?zeigen=abgeschlossen").content.decode()
    assert "Tara Teil" in done and "Otto Ohnename" not in done


def test_person_page_single_decision_with_reason_and_withdrawal(
    client, world, cohort, other_participant, team
):
    client.force_login(team)
    url = f"/verwaltung/abschluss/{cohort.pk}/{other_participant.pk}/"
    response = client.post(url, {"action": "decide", "reason": ""})
    assert response.status_code == 400
    body = response.content.decode()
    assert "Bitte begründen Sie die Entscheidung." in body
    assert 'aria-describedby="id_reason_error"' in body or "id_reason_error" in body
    response = client.post(url, {"action": "decide", "reason": "Anerkennung aus dem EMPA"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Anerkennung aus dem EMPA" in page and "Entscheidung zurücknehmen" in page
    assert client.post(url, {"action": "withdraw", "reason": ""}).status_code == 400
    client.post(url, {"action": "withdraw", "reason": "Irrtum"})
    assert Completion.objects.current().count() == 0
    assert "zurückgenommen am" in client.get(url).content.decode()


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_matrix_and_progress_query_counts_do_not_grow(
    client, world, cohort, participant, team, django_user_model
):
    complete_all(world, participant)
    attend(participant, world["mandatory"][0], ["present"])
    client.force_login(team)
    matrix = f"/verwaltung/abschluss/{cohort.pk}/"
    one = _count(client, matrix)
    client.force_login(participant.user)
    one_progress = _count(client, "/mein-programm/fortschritt/")
    for i in range(6):
        user = django_user_model.objects.create_user(f"m{i}@bund.example", "x", last_name=f"M{i}")
        p = enrol_participant(cohort, user, actor=user)
        complete_all(world, p, elective=i % 2)
        attend(p, world["mandatory"][0], ["present"])
        if i % 2:
            services.decide_completion(p, actor=team)
    assert len(standings(cohort)) == 7
    client.force_login(team)
    assert _count(client, matrix) == one
    client.force_login(participant.user)
    assert _count(client, "/mein-programm/fortschritt/") == one_progress
