"""Attendance per day: the check-in list (staff, lecturer; htmx and plain POST), the day's code
for self check-in (wrong day, wrong module, replay, expired), no duplicates under concurrent
check-ins, the status rules, and the attendance rate against the completion rule."""

import re
import threading
from datetime import datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kohorte.accounts.models import Membership
from kohorte.catalog.models import Person, Session
from kohorte.core.models import AuditLog
from kohorte.teaching import services
from kohorte.teaching.models import Attendance
from kohorte.teaching.services.attendance import CODE_ALPHABET, Rate

pytestmark = pytest.mark.django_db


def _noon(day):
    return timezone.make_aware(datetime.combine(day, time(12)))


@pytest.fixture
def today_run(cohort):
    """Module 1 of the cohort, moved so that it runs yesterday, today and tomorrow."""
    run = cohort.runs.select_related("module").get(module__number=1)
    today = timezone.localdate()
    run.sessions.all().delete()
    run.starts_on, run.ends_on = today - timedelta(days=1), today + timedelta(days=1)
    run.save(update_fields=["starts_on", "ends_on"])
    for offset in (-1, 0, 1):
        Session.objects.create(
            run=run, date=today + timedelta(days=offset), starts_at=time(9), ends_at=time(17)
        )
    return run


@pytest.fixture
def day(today_run):
    return today_run.sessions.get(date=timezone.localdate())


@pytest.fixture
def programme_staff(cohort, staff):
    Membership.objects.create(user=staff, role="staff", program=cohort.program)
    return staff


@pytest.fixture
def lecturer(today_run, django_user_model):
    user = django_user_model.objects.create_user("lena@uni.example", "x")
    person = today_run.lecturers.first()
    Person.objects.filter(pk=person.pk).update(user=user)
    Membership.objects.create(user=user, role="lecturer", cohort=today_run.cohort)
    return user


def _list_url(session):
    return f"/anwesenheit/{session.run_id}/{session.pk}/"


# --- the day's code ---------------------------------------------------------------------------


def test_code_is_short_typeable_and_differs_per_day(today_run):
    codes = [services.checkin_code(s) for s in today_run.sessions.all()]
    assert all(len(c) == 7 and set(c) <= set(CODE_ALPHABET) for c in codes)
    assert len(set(codes)) == 3


def test_code_depends_on_the_secret_key(day, settings):
    before = services.checkin_code(day)
    settings.SECRET_KEY = "another-" + "x" * 50
    assert services.checkin_code(day) != before


def test_self_check_in_marks_present_once_and_replay_says_already(participant, day):
    code = services.checkin_code(day)
    attendance, marked = services.self_check_in(
        participant, f" {code.lower()[:3]} {code[3:]} ", actor=participant.user
    )
    assert marked and attendance.status == "present" and attendance.source == "self"
    assert attendance.recorded_by == participant.user
    again, marked_again = services.self_check_in(participant, code, actor=participant.user)
    assert (again.pk, marked_again) == (attendance.pk, False)
    assert Attendance.objects.count() == 1
    assert AuditLog.objects.filter(action="teaching.attendance_recorded").count() == 1


def test_self_check_in_refuses_yesterdays_code_as_expired(participant, today_run):
    yesterday = today_run.sessions.get(date=timezone.localdate() - timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.self_check_in(
            participant, services.checkin_code(yesterday), actor=participant.user
        )
    assert "ist abgelaufen" in error.value.message_dict["code"][0]
    assert not Attendance.objects.exists()


def test_code_expires_at_the_end_of_its_day_in_berlin(participant, day):
    code = services.checkin_code(day)
    end = timezone.make_aware(datetime.combine(day.date, time(23, 59, 59)))
    _a, marked = services.self_check_in(participant, code, actor=participant.user, now=end)
    assert marked
    Attendance.objects.all().delete()
    with pytest.raises(ValidationError) as error:
        services.self_check_in(
            participant, code, actor=participant.user, now=end + timedelta(seconds=1)
        )
    assert "ist abgelaufen" in error.value.message_dict["code"][0]


def test_self_check_in_refuses_tomorrows_code_as_wrong_day(participant, today_run):
    tomorrow = today_run.sessions.get(date=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.self_check_in(participant, services.checkin_code(tomorrow), actor=participant.user)
    assert "gilt erst am" in error.value.message_dict["code"][0]


def test_self_check_in_refuses_a_module_she_does_not_take(participant, cohort, staff):
    four, five = services.elective_runs(cohort)
    services.set_elective_round(
        cohort,
        actor=staff,
        choices_close_at=timezone.now() + timedelta(days=1),
        capacities={four.pk: 5, five.pk: 5},
    )
    services.choose_electives(participant, [five.pk], actor=participant.user)
    session = four.sessions.first()
    Session.objects.filter(pk=session.pk).update(date=timezone.localdate())
    session.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        services.self_check_in(participant, services.checkin_code(session), actor=participant.user)
    assert "an dem Sie nicht teilnehmen" in error.value.message_dict["code"][0]
    assert not Attendance.objects.exists()


def test_self_check_in_refuses_an_unknown_code(participant, day):
    with pytest.raises(ValidationError) as error:
        services.self_check_in(participant, "ABCDEFG", actor=participant.user)
    assert error.value.message_dict["code"] == [
        "Diesen Code kennen wir nicht. Bitte prüfen Sie die Eingabe."
    ]


def test_self_check_in_turns_an_absent_mark_into_present(participant, day, programme_staff):
    services.record_attendance(
        day, participant, status="absent", actor=programme_staff, source="staff"
    )
    attendance, marked = services.self_check_in(
        participant, services.checkin_code(day), actor=participant.user
    )
    assert marked and attendance.status == "present"
    assert Attendance.objects.get().status == "present"


@pytest.mark.django_db(transaction=True)
def test_concurrent_self_check_ins_make_one_row(demo_catalog, django_user_model):
    """Eight scans of the same person at once (the phone retries, two tabs): one row."""
    from kohorte.catalog.models import Cohort

    cohort = Cohort.objects.get(slug="jahrgang-2")
    run = cohort.runs.get(module__number=1)
    session = Session.objects.create(
        run=run, date=timezone.localdate(), starts_at=time(8), ends_at=time(9)
    )
    user = django_user_model.objects.create_user("race@bund.example", "x")
    participation = services.enrol_participant(cohort, user)
    code = services.checkin_code(session)
    barrier = threading.Barrier(8)
    results, errors = [], []

    def scan():
        try:
            barrier.wait()
            results.append(services.self_check_in(participation, code, actor=user)[1])
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scan) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(results) == [False] * 7 + [True]
    assert Attendance.objects.filter(session=session, participation=participation).count() == 1
    assert AuditLog.objects.filter(action="teaching.attendance_recorded").count() == 1


# --- the status rules -------------------------------------------------------------------------


def test_excused_needs_a_reason(participant, day, programme_staff):
    with pytest.raises(ValidationError) as error:
        services.record_attendance(
            day, participant, status="excused", reason="  ", actor=programme_staff, source="staff"
        )
    assert error.value.message_dict == {
        "reason": ["Bitte geben Sie einen Grund für die Entschuldigung an."]
    }
    row = services.record_attendance(
        day, participant, status="excused", reason="krank", actor=programme_staff, source="staff"
    )
    assert (row.status, row.reason) == ("excused", "krank")


def test_the_database_refuses_excused_without_reason(participant, day):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Attendance.objects.create(
            session=day,
            participation=participant,
            status="excused",
            source="staff",
            recorded_at=timezone.now(),
        )


def test_a_correction_moves_the_row_and_is_audited(participant, day, programme_staff):
    services.record_attendance(
        day, participant, status="present", actor=programme_staff, source="staff"
    )
    services.record_attendance(
        day, participant, status="late", actor=programme_staff, source="staff"
    )
    services.record_attendance(  # the same again: nothing changes, no audit row
        day, participant, status="late", actor=programme_staff, source="staff"
    )
    assert Attendance.objects.get().status == "late"
    changed = AuditLog.objects.get(action="teaching.attendance_changed")
    assert (changed.data["before"], changed.data["after"]) == (
        {"status": "present"},
        {"status": "late"},
    )


def test_a_day_that_has_not_begun_cannot_be_recorded(participant, today_run, programme_staff):
    tomorrow = today_run.sessions.get(date=timezone.localdate() + timedelta(days=1))
    with pytest.raises(ValidationError) as error:
        services.record_attendance(
            tomorrow, participant, status="present", actor=programme_staff, source="staff"
        )
    assert error.value.messages == ["Dieser Tag hat noch nicht begonnen."]


def test_someone_outside_the_run_cannot_be_recorded(cohort, day, programme_staff):
    from kohorte.catalog.models import Cohort

    other = services.enrol_participant(
        Cohort.objects.get(slug="jahrgang-1"),
        type(programme_staff).objects.create_user("fremd@bund.example", "x"),
    )
    with pytest.raises(ValidationError):
        services.record_attendance(
            day, other, status="present", actor=programme_staff, source="staff"
        )


# --- the rate ---------------------------------------------------------------------------------


def test_rate_counts_late_and_left_early_as_present_and_leaves_excused_out():
    rate = Rate(threshold=80)
    for status in ["present", "late", "left_early", "excused", "excused", "absent"]:
        rate.add(status)
    assert (rate.attended, rate.excused, rate.absent, rate.counted) == (3, 2, 1, 4)
    assert rate.rate == 75.0 and rate.below
    assert Rate(threshold=80).rate is None and not Rate(threshold=80).below
    exactly = Rate(threshold=80)
    for status in ["present"] * 4 + ["absent"]:
        exactly.add(status)
    assert exactly.rate == 80.0 and not exactly.below


def test_summaries_per_module_and_overall(cohort, participant, today_run, programme_staff):
    yesterday, today = today_run.sessions.filter(date__lte=timezone.localdate())
    services.record_attendance(
        yesterday, participant, status="absent", actor=programme_staff, source="staff"
    )
    services.record_attendance(
        today, participant, status="late", actor=programme_staff, source="staff"
    )
    summary = services.attendance_summaries(cohort, 80)[participant.pk]
    assert summary.overall.rate == 50.0 and summary.overall.below
    assert list(summary.by_run) == [today_run.pk]


# --- pages ------------------------------------------------------------------------------------


def test_lecturer_marks_with_htmx_and_gets_the_row_back(client, lecturer, participant, day):
    client.force_login(lecturer)
    response = client.post(
        _list_url(day),
        {"participation": participant.pk, "status": "late"},
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith(f'<li class="checkin-row" id="p{participant.pk}">')
    assert "<strong>verspätet</strong>" in body and "Dozent:in" in body
    assert "<html" not in body
    row = Attendance.objects.get()
    assert (row.status, row.source, row.recorded_by) == ("late", "lecturer", lecturer)


def test_staff_marks_without_javascript_and_is_redirected(
    client, programme_staff, participant, day
):
    client.force_login(programme_staff)
    response = client.post(_list_url(day), {"participation": participant.pk, "status": "present"})
    assert response.status_code == 302
    assert response["Location"] == f"{_list_url(day)}#p{participant.pk}"
    page = client.get(_list_url(day)).content.decode()
    assert "Tara Teil: anwesend gespeichert." in page
    assert "1 von 1 Teilnehmer:in erfasst." in page
    assert Attendance.objects.get().source == "staff"


def test_excused_without_reason_shows_the_error_at_the_field(
    client, programme_staff, participant, day
):
    client.force_login(programme_staff)
    response = client.post(
        _list_url(day), {"participation": participant.pk, "status": "excused", "reason": ""}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert f'id="reason-error-{participant.pk}">Bitte geben Sie einen Grund' in body
    assert f'aria-describedby="reason-error-{participant.pk}"' in body
    assert not Attendance.objects.exists()


def test_check_in_list_queries_do_not_grow_with_participants(
    client, programme_staff, participant, day, django_user_model
):
    client.force_login(programme_staff)
    client.get(_list_url(day))
    with CaptureQueriesContext(connection) as one:
        assert "1 von 1" not in client.get(_list_url(day)).content.decode()
    for i in range(30):
        p = services.enrol_participant(
            day.run.cohort, django_user_model.objects.create_user(f"p{i}@bund.example", "x")
        )
        services.record_attendance(day, p, status="present", actor=programme_staff, source="staff")
    with CaptureQueriesContext(connection) as many:
        body = client.get(_list_url(day)).content.decode()
    assert "30 von 31 Teilnehmer:innen erfasst." in body
    assert len(many) == len(one)


def test_room_code_page_shows_the_qr_and_the_code(client, lecturer, day):
    client.force_login(lecturer)
    body = client.get(_list_url(day) + "code/").content.decode()
    code = services.checkin_code(day)
    assert f'<span class="kern-sr-only">Code: </span>{code}</p>' in body
    assert "<svg" in body and "QR-Code zum Eintragen" in body
    assert "style=" not in body.split("<main", 1)[1]


def test_participant_scans_the_qr_link_then_confirms(client, participant, day):
    code = services.checkin_code(day)
    client.force_login(participant.user)
    page = client.get(f"/mein-programm/anwesenheit/?code={code}").content.decode()
    assert f'value="{code}"' in page
    assert not Attendance.objects.exists()  # GET never writes
    response = client.post("/mein-programm/anwesenheit/", {"code": code}, follow=True)
    body = response.content.decode()
    assert "Danke! Sie sind für 1. " in body and "als anwesend eingetragen." in body
    again = client.post("/mein-programm/anwesenheit/", {"code": code}, follow=True)
    assert "Sie sind bereits eingetragen (anwesend)." in again.content.decode()
    assert Attendance.objects.count() == 1


def test_a_wrong_code_is_refused_at_the_field(client, participant, today_run):
    yesterday = today_run.sessions.get(date=timezone.localdate() - timedelta(days=1))
    client.force_login(participant.user)
    response = client.post(
        "/mein-programm/anwesenheit/", {"code": services.checkin_code(yesterday)}
    )
    body = response.content.decode()
    assert response.status_code == 400
    assert re.search(r'aria-describedby="[^"]*id_code_error', body) or "id_code_error" in body
    assert "Dieser Code ist abgelaufen: Er galt nur am" in body


def test_programme_page_shows_her_rate_and_the_threshold_with_its_assumption(
    client, participant, today_run, programme_staff
):
    from django.contrib.contenttypes.models import ContentType

    from kohorte.catalog.models import Assumption, CompletionRule

    rule = CompletionRule.objects.get(cohort=participant.cohort)
    assert Assumption.objects.filter(
        content_type=ContentType.objects.get_for_model(rule),
        object_id=rule.pk,
        field="attendance_threshold",
    ).exists()
    yesterday, today = today_run.sessions.filter(date__lte=timezone.localdate())
    services.record_attendance(
        yesterday,
        participant,
        status="excused",
        reason="Dienstreise",
        actor=programme_staff,
        source="staff",
    )
    services.record_attendance(
        today, participant, status="absent", actor=programme_staff, source="staff"
    )
    client.force_login(participant.user)
    body = client.get("/mein-programm/").content.decode()
    assert "mindestens 80 % Anwesenheit." in body
    assert "Annahme" in body and "80 % sind eine Annahme" in body
    assert "Entschuldigte Tage (mit Grund) zählen weder dafür noch dagegen." in body
    assert "<strong>0 %</strong> – <strong>unter der Mindestanwesenheit</strong>" in body


def test_staff_participants_page_marks_who_is_below(
    client, participant, today_run, programme_staff, django_user_model
):
    good = services.enrol_participant(
        participant.cohort,
        django_user_model.objects.create_user("g@bund.example", "x", first_name="Gut"),
    )
    yesterday, today = today_run.sessions.filter(date__lte=timezone.localdate())
    for session in (yesterday, today):
        services.record_attendance(
            session, good, status="present", actor=programme_staff, source="staff"
        )
    services.record_attendance(
        today, participant, status="absent", actor=programme_staff, source="staff"
    )
    client.force_login(programme_staff)
    body = client.get(f"/verwaltung/lehrbetrieb/{participant.cohort_id}/").content.decode()
    assert "1 Teilnehmer:in liegt unter der Mindestanwesenheit." in body
    assert "100 % (2 von 2 Tagen)" in body and "0 % (0 von 1 Tagen)" in body
    assert body.count("kern-badge--danger") == 1


def test_room_code_is_not_linked_for_a_past_day(client, lecturer, participant, today_run):
    client.force_login(lecturer)
    for session in today_run.sessions.order_by("date"):
        page = client.get(_list_url(session)).content.decode()
        linked = f'href="/anwesenheit/{today_run.pk}/{session.pk}/code/"' in page
        assert linked == (session.date >= timezone.localdate()), session.date
        assert "von 1 Teilnehmer:in erfasst." in page


def test_a_list_without_participants_does_not_count_zero_of_zero(client, lecturer, day):
    client.force_login(lecturer)
    page = client.get(_list_url(day)).content.decode()
    assert "Keine Teilnehmer:innen in diesem Modul." in page
    assert "von 0" not in page


def test_run_page_links_no_room_code_for_a_past_day(client, lecturer, today_run):
    client.force_login(lecturer)
    page = client.get(f"/lehre/{today_run.pk}/").content.decode()
    for session in today_run.sessions.all():
        linked = f'href="/anwesenheit/{today_run.pk}/{session.pk}/code/"' in page
        assert linked == (session.date >= timezone.localdate()), session.date


def test_programme_page_offers_the_code_form_only_on_a_teaching_day(client, participant, today_run):
    client.force_login(participant.user)
    assert "Heute eintragen" in client.get("/mein-programm/").content.decode()
    today_run.sessions.filter(date=timezone.localdate()).delete()
    assert "Heute eintragen" not in client.get("/mein-programm/").content.decode()
