"""The assessments demo: the 2024 cohort completed. One assessment per module (and a resit),
all published; the demo participant still owes the last mandatory paper (an extension) and sees
it on her pages; most completed, with the exceptions the issue names."""

import pytest

from kohorte.assessments.models import Assessment, Completion, Extension, Submission

pytestmark = pytest.mark.django_db


def test_demo_assessments(demo_staff_user, client):
    from kohorte.accounts.models import User
    from kohorte.catalog.models import Cohort

    past = Cohort.objects.get(slug="jahrgang-1")
    assessments = list(Assessment.objects.filter(run__cohort=past))
    firsts = [a for a in assessments if a.attempt == 1]
    assert len(firsts) == past.runs.count()
    assert all(a.status == "published" for a in assessments)  # every assessment marked
    assert Submission.objects.filter(assessment__run__cohort=past, status="published").count() > 20
    assert not Submission.objects.filter(assessment__run__cohort=past).exclude(status="published")
    assert Submission.objects.filter(agreed_by__isnull=False).distinct().count() == 1
    tara = User.objects.get(email="teilnehmerin@example.org")
    extension = Extension.objects.get(participation__user=tara)
    owed = extension.assessment
    assert owed.kind == "paper" and not owed.submissions.filter(participation__user=tara)
    client.force_login(tara)
    page = client.get(f"/mein-programm/pruefungen/{owed.pk}/").content.decode()
    assert "Arbeit abgeben" in page and "Eigenständigkeitserklärung" in page
    listing = client.get("/mein-programm/pruefungen/").content.decode()
    assert "Note: bestanden" in listing
    progress = client.get("/mein-programm/fortschritt/").content.decode()
    assert (
        f"Es fehlt noch: die Prüfungsleistung im Pflichtmodul „{owed.run.module.title}“, fällig am"
    ) in progress
    lecturer = User.objects.get(email="dozentin@example.org")
    client.force_login(lecturer)
    marking = client.get("/bewertung/").content.decode()
    assert "Hausarbeit" in marking


def test_demo_completion_facts(demo_staff_user):
    """Most completed; one misses an elective, one is below the attendance threshold, one
    passed on a resit (and completed), the demo login is on track."""
    from kohorte.assessments.completion import Verdict, standings
    from kohorte.catalog.models import Cohort

    past = Cohort.objects.get(slug="jahrgang-1")
    everyone = standings(past)
    by_verdict = {}
    for s in everyone:
        by_verdict.setdefault(s.verdict, []).append(s)
    completed = by_verdict[Verdict.COMPLETED]
    assert len(completed) == Completion.objects.current().count() > len(everyone) // 2
    assert {s.participation.user.email for s in by_verdict[Verdict.ON_TRACK]} == {
        "teilnehmerin@example.org"
    }
    at_risk = by_verdict[Verdict.AT_RISK]
    assert len(at_risk) == 2
    sentences = [s.judgement.missing for s in at_risk]
    assert any(m[0] == "Es fehlt noch 1 bestandenes Wahlmodul." for m in sentences)
    assert any(len(m) == 1 and m[0].startswith("Die Anwesenheit liegt bei") for m in sentences)
    resit = Assessment.objects.get(run__cohort=past, attempt=2)
    passed_on_resit = resit.submissions.get()
    assert passed_on_resit.grade == "passed"
    assert Completion.objects.current().filter(participation=passed_on_resit.participation).exists()
