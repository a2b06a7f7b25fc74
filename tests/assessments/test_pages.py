"""The pages: the participant's list and upload (declaration message at the field, history,
published grade), the lecturer's marking (anonymous: no names in the HTML), query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kohorte.assessments import services
from kohorte.assessments.models import Assessment, Submission
from kohorte.teaching.services import enrol_participant
from tests.factories import pdf

pytestmark = pytest.mark.django_db


def test_participant_sees_task_and_her_extended_deadline_in_words(
    client, assessment, participant, team
):
    due = timezone.make_aware(timezone.datetime(2027, 1, 5, 23, 59))
    Assessment.objects.filter(pk=assessment.pk).update(due_at=due - timedelta(days=2))
    assessment.refresh_from_db()
    services.grant_extension(
        assessment, participant, actor=team, due_at=due, reason="Nachteilsausgleich"
    )
    client.force_login(participant.user)
    page = client.get("/mein-programm/pruefungen/").content.decode()
    assert "5. Januar 2027, 23:59 Uhr (verlängert)" in page
    page = client.get(f"/mein-programm/pruefungen/{assessment.pk}/").content.decode()
    assert "Analysieren Sie einen KI-Anwendungsfall Ihrer Behörde." in page
    assert "5. Januar 2027, 23:59 Uhr (für Sie verlängert; allgemeine Frist: 3. Januar 2027" in page
    assert "höchstens 20 Seiten" in page


def test_upload_without_declaration_shows_the_message_at_the_field(client, assessment, participant):
    client.force_login(participant.user)
    url = f"/mein-programm/pruefungen/{assessment.pk}/"
    response = client.post(url, {"file": pdf("arbeit.pdf")})
    assert response.status_code == 400
    page = response.content.decode()
    field = page[page.index('name="declaration"') - 1500 : page.index('name="declaration"') + 800]
    assert "Bitte bestätigen Sie die Eigenständigkeitserklärung." in field
    assert not Submission.objects.exists()
    response = client.post(url, {"file": pdf("arbeit.pdf"), "declaration": "on"}, follow=True)
    page = response.content.decode()
    assert "Ihre Fassung 1 ist abgegeben." in page
    assert "Fassung 1: arbeit.pdf" in page
    version = Submission.objects.get().versions.get()
    download = client.get(f"/mein-programm/pruefungen/{assessment.pk}/fassungen/1.pdf")
    assert b"".join(download.streaming_content).startswith(b"%PDF-")
    assert version.original_name == "arbeit.pdf"


def test_published_grade_and_feedback_are_shown_only_after_publication(
    client, assessment, participant, lecturer, team
):
    services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    services.record_mark(
        assessment, participant, actor=lecturer, grade="1,7", feedback="Klare Gliederung."
    )
    client.force_login(participant.user)
    url = f"/mein-programm/pruefungen/{assessment.pk}/"
    assert "Klare Gliederung." not in client.get(url).content.decode()
    services.publish_grades(assessment, actor=team)
    page = client.get(url).content.decode()
    assert "Klare Gliederung." in page
    assert ">1,7<" in page


def test_anonymous_marking_hides_names_from_the_lecturer(
    client, assessment, participant, lecturer, team
):
    Assessment.objects.filter(pk=assessment.pk).update(anonymous=True)
    services.submit_work(
        assessment, participant, pdf("Teil_Arbeit.pdf"), actor=participant.user, declared=True
    )
    number = Submission.objects.get().candidate_number
    client.force_login(lecturer)
    for url in [
        f"/bewertung/{assessment.pk}/",
        f"/bewertung/{assessment.pk}/abgaben/{number}/",
    ]:
        page = client.get(url).content.decode()
        assert f"Kandidat:in {number}" in page
        assert "Tara" not in page and "Teil" not in page and "tara@" not in page
    download = client.get(f"/bewertung/{assessment.pk}/abgaben/{number}/fassungen/1.pdf")
    assert f'filename="{number}-1.pdf"' in download["Content-Disposition"]
    client.force_login(team)  # staff see names
    assert "Tara Teil" in client.get(f"/bewertung/{assessment.pk}/").content.decode()


def test_lecturer_marks_with_a_german_grade(client, assessment, participant, lecturer):
    services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    number = Submission.objects.get().candidate_number
    client.force_login(lecturer)
    url = f"/bewertung/{assessment.pk}/abgaben/{number}/"
    response = client.post(url, {"action": "mark", "grade": "1,1", "feedback": "x"})
    assert response.status_code == 400
    assert "Diese Note gibt es nicht. Erlaubt sind: 1,0, 1,3" in response.content.decode()
    response = client.post(
        url,
        {"action": "mark", "grade": "1,3", "feedback": "Sehr gut", "annotated": pdf("k.pdf")},
        follow=True,
    )
    assert "Die Bewertung ist gespeichert." in response.content.decode()
    submission = Submission.objects.get()
    assert (submission.grade, submission.feedback, submission.feedback_pdf_name) == (
        "1.3",
        "Sehr gut",
        "k.pdf",
    )
    # the lecturer cannot publish or grant extensions (staff only)
    assert client.post(f"/bewertung/{assessment.pk}/", {"action": "publish"}).status_code == 404


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_list_pages_query_counts_do_not_grow(
    client, run, cohort, assessment, participant, lecturer, team, django_user_model
):
    services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    urls = [f"/bewertung/{assessment.pk}/", "/bewertung/"]
    client.force_login(lecturer)
    one = [_count(client, u) for u in urls]
    client.force_login(team)
    one_staff = [_count(client, u) for u in urls]
    client.force_login(participant.user)
    one_part = _count(client, "/mein-programm/pruefungen/")
    for i in range(4):
        user = django_user_model.objects.create_user(f"p{i}@bund.example", "x")
        p = enrol_participant(cohort, user, actor=user)
        services.submit_work(assessment, p, pdf(), actor=user, declared=True)
        services.submit_work(assessment, p, pdf(), actor=user, declared=True)
    others = run.cohort.runs.exclude(pk=run.pk).filter(module__kind="mandatory")
    for kind, other_run in zip(["project", "presentation"], others, strict=False):
        other_run.lecturers.add(*run.lecturers.all())
        services.create_assessment(
            other_run, actor=team, kind=kind, task="t", due_at=timezone.now()
        )
    client.force_login(lecturer)
    assert [_count(client, u) for u in urls] == one
    client.force_login(team)
    assert [_count(client, u) for u in urls] == one_staff
    client.force_login(participant.user)
    assert _count(client, "/mein-programm/pruefungen/") == one_part
    assert "Projektarbeit" in client.get("/mein-programm/pruefungen/").content.decode()


def test_marking_pages_speak_to_staff_and_say_when_grades_are_out(
    client, assessment, participant, lecturer, team
):
    """The programme team sees every module's assessments (not "Ihrer Module"), and once the
    grades are out the marking page says so instead of announcing the publication date."""
    client.force_login(team)
    page = client.get("/bewertung/").content.decode()
    assert "Prüfungsleistungen aller Module" in page
    assert "Prüfungsleistungen Ihrer Module" not in page
    client.force_login(lecturer)
    assert "Prüfungsleistungen Ihrer Module" in client.get("/bewertung/").content.decode()

    services.submit_work(assessment, participant, pdf(), actor=participant.user, declared=True)
    services.record_mark(assessment, participant, actor=lecturer, grade="1,7", feedback="Gut.")
    services.publish_grades(assessment, actor=team)
    page = client.get(f"/bewertung/{assessment.pk}/").content.decode()
    assert "Die Noten sind veröffentlicht." in page
    assert "Die Noten werden am" not in page
