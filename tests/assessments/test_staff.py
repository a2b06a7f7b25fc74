"""Staff side of assessments: setting and changing an assessment (locked fields once marks
exist), resits, extensions, results of orals recorded by the marker, the grade distribution
chart, navigation links and query counts."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kohorte.assessments import services
from kohorte.assessments.models import Assessment, Submission
from kohorte.core.models import AuditLog
from kohorte.teaching.services import enrol_participant
from tests.factories import pdf

pytestmark = pytest.mark.django_db

DUE = "2027-01-05T23:59"


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _form(**extra):
    data = {
        "kind": "oral",
        "task": "Mündliche Prüfung über die Fallstudie.",
        "due_at": DUE,
        "grading": "grade_de",
        "ects": "5,0",
        "disagreement_threshold": "1,0",
        "max_attempts": "2",
    }
    return data | extra


# --- services ---------------------------------------------------------------------------


def test_update_assessment_writes_an_audit_row_with_before_and_after(assessment, team):
    services.update_assessment(assessment, actor=team, task="Neue Aufgabe", max_pages=25)
    entry = AuditLog.objects.filter(action="assessments.updated").get()
    assert entry.actor == team
    assert entry.data["fields"] == ["max_pages", "task"]
    assert entry.data["before"]["max_pages"] == "20"
    assert entry.data["after"] == {"max_pages": "25", "task": "Neue Aufgabe"}
    assessment.refresh_from_db()
    assert (assessment.task, assessment.max_pages) == ("Neue Aufgabe", 25)
    # nothing changed: no row
    services.update_assessment(assessment, actor=team, task="Neue Aufgabe")
    assert AuditLog.objects.filter(action="assessments.updated").count() == 1


def test_update_refuses_kind_and_grading_once_marks_exist(assessment, participant, lecturer, team):
    services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    with pytest.raises(ValidationError) as caught:
        services.update_assessment(assessment, actor=team, kind="oral")
    assert caught.value.message_dict == {
        "kind": [
            "Die Art lässt sich nicht mehr ändern: Es liegen bereits Abgaben oder Bewertungen vor."
        ]
    }
    # grading may still change before any mark
    assessment = services.update_assessment(assessment, actor=team, grading="pass_fail")
    services.record_mark(assessment, participant, actor=lecturer, grade="bestanden")
    with pytest.raises(ValidationError) as caught:
        services.update_assessment(
            assessment, actor=team, grading="grade_de", second_marker_required=True
        )
    assert caught.value.message_dict == {
        "grading": [
            "Die Bewertungsart lässt sich nicht mehr ändern: Es liegen bereits Bewertungen vor."
        ],
        "second_marker_required": [
            "Das Zweitgutachten lässt sich nicht mehr ein- oder ausschalten: Es liegen bereits "
            "Bewertungen vor."
        ],
    }
    assessment.refresh_from_db()
    assert (assessment.kind, assessment.grading) == ("paper", "pass_fail")


def test_update_refused_after_publication_and_page_limits_checked(
    assessment, participant, lecturer, team
):
    with pytest.raises(ValidationError) as caught:
        services.update_assessment(assessment, actor=team, min_pages=30)
    assert caught.value.message_dict == {
        "max_pages": ["Die Höchstzahl der Seiten liegt unter der Mindestzahl."]
    }
    services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    services.record_mark(assessment, participant, actor=lecturer, grade="2,0")
    services.publish_grades(assessment, actor=team)
    with pytest.raises(ValidationError, match="Die Noten sind veröffentlicht"):
        services.update_assessment(assessment, actor=team, task="später")


def test_create_assessment_takes_options_over_the_module_and_refuses_a_second(run, team):
    assessment = services.create_assessment(
        run,
        actor=team,
        kind="oral",
        task="Prüfung",
        due_at=timezone.now(),
        grading="pass_fail",
        ects=Decimal("3.0"),
    )
    assert (assessment.grading, assessment.ects) == ("pass_fail", Decimal("3.0"))
    with pytest.raises(ValidationError) as caught:
        services.create_assessment(run, actor=team, kind="paper", task="x", due_at=timezone.now())
    assert caught.value.messages == [
        "Für diesen Modultermin gibt es bereits eine Prüfungsleistung."
    ]


# --- pages ------------------------------------------------------------------------------


def test_staff_creates_an_assessment_with_defaults_from_the_module(client, run, team):
    client.force_login(team)
    url = f"/verwaltung/pruefungen/{run.cohort_id}/modul/{run.pk}/neu/"
    page = client.get(url).content.decode()
    assert re.search(r'<option value="grade_de" selected\s*>Note 1,0 bis 5,0</option>', page)
    assert re.search(r'name="ects"[^>]* value="3,0"', page)
    assert re.search(r'name="ects_is_assumption"[^>]* checked', page)
    response = client.post(url, _form(anonymous="on"))
    assert response.status_code == 400
    assert (
        "Anonym bewerten lassen sich nur Abgaben, keine Präsentationen oder Prüfungen."
        in response.content.decode()
    )
    response = client.post(url, _form(), follow=True)
    assessment = Assessment.objects.get(run=run)
    assert (
        response.redirect_chain[-1][0] == f"/verwaltung/pruefungen/{run.cohort_id}/{assessment.pk}/"
    )
    text = _text(response.content.decode())
    assert "Die Prüfungsleistung ist angelegt." in text
    assert "Termin 5. Januar 2027, 23:59 Uhr" in text
    assert "ECTS-Punkte 5,0" in text
    assert AuditLog.objects.filter(action="assessments.created", actor=team).count() == 1
    # the run now has its assessment: no second form
    assert client.get(url).status_code == 404


def test_edit_shows_the_locked_reason_at_the_field(client, assessment, participant, team):
    services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    client.force_login(team)
    url = f"/verwaltung/pruefungen/{assessment.run.cohort_id}/{assessment.pk}/bearbeiten/"
    page = client.get(url).content.decode()
    select = page[page.index('name="kind"') - 600 : page.index('name="kind"') + 900]
    assert "disabled" in select
    assert "Es liegen bereits Abgaben oder Bewertungen vor." in page
    data = _form(kind="oral", grading="grade_de", max_pages="22", task="Geänderte Aufgabe")
    response = client.post(url, data, follow=True)
    assert "Die Prüfungsleistung ist gespeichert." in response.content.decode()
    assessment.refresh_from_db()
    # a disabled field keeps its value: the kind stays, the rest changes
    assert (assessment.kind, assessment.max_pages, assessment.task) == (
        "paper",
        22,
        "Geänderte Aufgabe",
    )


def test_resit_and_extension_from_the_staff_page(
    client, assessment, participant, other_participant, lecturer, team
):
    client.force_login(team)
    url = f"/verwaltung/pruefungen/{assessment.run.cohort_id}/{assessment.pk}/"
    response = client.post(
        url,
        {
            "action": "extension",
            "participation": participant.pk,
            "due_at": "2040-01-05T23:59",
            "reason": "",
        },
    )
    assert response.status_code == 400
    assert "Dieses Feld ist zwingend erforderlich." in response.content.decode()
    response = client.post(
        url,
        {
            "action": "extension",
            "participation": participant.pk,
            "due_at": "2040-01-05T23:59",
            "reason": "Nachteilsausgleich",
        },
        follow=True,
    )
    text = _text(response.content.decode())
    assert "Die Frist ist verlängert." in text
    assert "Tara Teil: bis 5. Januar 2040, 23:59 Uhr – Nachteilsausgleich" in text
    assert "Eine Wiederholung lässt sich anlegen, sobald die Noten veröffentlicht sind." in text
    # a resit is refused before publication, even by a forged post
    assert client.post(url, {"action": "resit", "due_at": "2040-03-01T12:00"}).status_code == 404
    for person, grade in [(participant, "5,0"), (other_participant, "2,0")]:
        services.submit_work(assessment, person, pdf(), actor=person.user, declared=True)
        services.record_mark(assessment, person, actor=lecturer, grade=grade)
    services.publish_grades(assessment, actor=team)
    text = _text(client.get(url).content.decode())
    assert "1 Person hat nicht bestanden und kann die Prüfung wiederholen." in text
    # published: no more editing
    assert "Bearbeiten" not in text
    assert client.get(f"{url}bearbeiten/").status_code == 404
    response = client.post(url, {"action": "resit", "due_at": "2040-03-01T12:00"}, follow=True)
    resit = Assessment.objects.get(resit_of=assessment)
    assert (
        response.redirect_chain[-1][0]
        == f"/verwaltung/pruefungen/{assessment.run.cohort_id}/{resit.pk}/"
    )
    text = _text(response.content.decode())
    assert "Die Wiederholungsprüfung ist angelegt." in text
    assert "(2. Versuch)" in text and "Abgabe bis 1. März 2040, 12:00 Uhr" in text
    assert resit.task == assessment.task
    assert AuditLog.objects.filter(action="assessments.resit_created", actor=team).count() == 1
    text = _text(client.get(url).content.decode())
    assert "2. Versuch, Abgabe bis 1. März 2040, 12:00 Uhr" in text


def test_cohort_page_lists_runs_with_counts_and_the_grade_chart(
    client, assessment, participant, other_participant, lecturer, team
):
    for person in [participant, other_participant]:
        services.submit_work(assessment, person, pdf(), actor=person.user, declared=True)
    services.record_mark(assessment, participant, actor=lecturer, grade="1,3")
    client.force_login(team)
    url = f"/verwaltung/pruefungen/{assessment.run.cohort_id}/"
    page = client.get(url).content.decode()
    row = _text(
        page[
            page.index(f'/{assessment.pk}/"') : page.index(
                "</tr>", page.index(f'/{assessment.pk}/"')
            )
        ]
    )
    assert "Hausarbeit" in row
    assert row.split("Uhr")[1].split() == ["offen", "2", "1", "0"]
    assert "Noch keine veröffentlichten Noten." in page
    services.record_mark(assessment, other_participant, actor=lecturer, grade="2,7")
    services.publish_grades(assessment, actor=team)
    page = client.get(url).content.decode()
    chart = page[page.index("<svg") : page.index("</svg>") + 6]
    assert 'role="img"' in chart
    assert (
        f'<title id="chart-grades-{assessment.run.module_id}-title">Notenverteilung im Modul {assessment.run.module.title}</title>'
        in chart
    )
    assert "2 veröffentlichte Noten: 1,0: 0; 1,3: 1; 1,7: 0; 2,0: 0; 2,3: 0; 2,7: 1;" in chart
    table = _text(
        page[page.index("als Tabelle") : page.index("</table>", page.index("als Tabelle"))]
    )
    assert "1,3 1 1,7 0 2,0 0 2,3 0 2,7 1 3,0 0" in table
    row = _text(
        page[
            page.index(f'/{assessment.pk}/"') : page.index(
                "</tr>", page.index(f'/{assessment.pk}/"')
            )
        ]
    )
    assert row.split("Uhr")[1].split() == ["Noten", "veröffentlicht", "2", "2", "2"]


def test_cohort_page_in_constant_queries(client, cohort, run, team, django_user_model):
    client.force_login(team)
    url = f"/verwaltung/pruefungen/{cohort.pk}/"
    due = timezone.now() + timedelta(days=3)
    services.create_assessment(run, actor=team, kind="paper", task="A", due_at=due)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).status_code == 200
    orals = [
        services.create_assessment(r, actor=team, kind="oral", task="B", due_at=due)
        for r in cohort.runs.exclude(pk=run.pk).filter(module__kind="mandatory")
    ]
    for i in range(4):
        user = django_user_model.objects.create_user(f"p{i}@bund.example", "x")
        person = enrol_participant(cohort, user, actor=user)
        for oral in orals:
            services.record_mark(oral, person, actor=team, grade=services_grade(oral, i))
    for oral in orals:
        services.publish_grades(oral, actor=team)
    with CaptureQueriesContext(connection) as many:
        page = client.get(url).content.decode()
    assert page.count("<svg") == len(orals) >= 2
    assert len(many) == len(one)


def services_grade(assessment, i) -> str:
    if assessment.grading == "pass_fail":
        return "bestanden" if i else "nicht bestanden"
    return ["1,0", "2,0", "2,3", "5,0"][i]


def test_oral_result_is_recorded_on_the_marking_page(
    client, run, participant, other_participant, lecturer, team
):
    oral = services.create_assessment(
        run, actor=team, kind="oral", task="Prüfungsgespräch", due_at=timezone.now()
    )
    client.force_login(lecturer)
    url = f"/bewertung/{oral.pk}/"
    text = _text(client.get(url).content.decode())
    assert (
        "Es gibt keine Abgabe: Die Prüfer:innen halten das Ergebnis je Teilnehmer:in fest." in text
    )
    assert "Ergebnis festhalten" in text
    assert "Für 2 Personen fehlt noch das Ergebnis." in text
    assert "Fassungen" not in text
    response = client.post(
        url, {"action": "record", "participation": participant.pk, "grade": "1,8"}
    )
    assert response.status_code == 400
    assert "Diese Note gibt es nicht." in response.content.decode()
    assert not Submission.objects.exists()
    response = client.post(
        url,
        {"action": "record", "participation": participant.pk, "grade": "1,7", "feedback": "Klar."},
        follow=True,
    )
    text = _text(response.content.decode())
    assert "Das Ergebnis von Tara Teil ist festgehalten." in text
    assert "Tara Teil bewertet 1,7" in text
    assert "Für 1 Person fehlt noch das Ergebnis." in text
    submission = Submission.objects.get()
    assert (submission.grade, submission.first_marker, submission.feedback) == (
        "1.7",
        lecturer,
        "Klar.",
    )
    assert AuditLog.objects.filter(action="assessments.marked", actor=lecturer).count() == 1
    # the recorded person is no longer offered; a forged second record is refused
    page = response.content.decode()
    assert f'<option value="{participant.pk}"' not in page
    response = client.post(
        url, {"action": "record", "participation": participant.pk, "grade": "1,0"}
    )
    assert response.status_code == 400
    assert Submission.objects.get().grade == "1.7"


# --- navigation -------------------------------------------------------------------------


def test_links_to_the_staff_pages_and_to_marking(client, cohort, lecturer, team):
    client.force_login(team)
    page = client.get(f"/verwaltung/lehrbetrieb/{cohort.pk}/").content.decode()
    assert f'href="/verwaltung/pruefungen/{cohort.pk}/">Prüfungen</a>' in page
    assert 'href="/verwaltung/pruefungen/">Prüfungen</a>' in page
    page = client.get("/verwaltung/pruefungen/").content.decode()
    assert f'href="/verwaltung/pruefungen/{cohort.pk}/">{cohort.name}</a>' in page
    page = client.get("/bewertung/").content.decode()
    assert 'href="/verwaltung/pruefungen/">Prüfungsleistungen festlegen und verwalten</a>' in page
    client.force_login(lecturer)
    page = client.get("/lehre/").content.decode()
    assert 'href="/bewertung/">Prüfungsleistungen Ihrer Module bewerten</a>' in page
    assert 'href="/verwaltung/pruefungen/"' not in page
    page = client.get("/bewertung/").content.decode()
    assert "Prüfungsleistungen festlegen und verwalten" not in page
