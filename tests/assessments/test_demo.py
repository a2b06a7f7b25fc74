"""The assessments demo: the 2024 cohort completed. One assessment per module (and a resit),
all published; the demo participant handed in the last mandatory paper within an extension and
completed; most completed, with the exceptions the issue names."""

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
    (handed_in,) = owed.submissions.filter(participation__user=tara)
    assert owed.kind == "paper" and handed_in.status == "published"
    assert handed_in.versions.order_by("-number")[0].submitted_at <= extension.due_at
    client.force_login(tara)
    listing = client.get("/mein-programm/pruefungen/").content.decode()
    assert "Note: bestanden" in listing
    progress = client.get("/mein-programm/fortschritt/").content.decode()
    assert "Nichts: Der Abschluss ist festgestellt." in progress
    lecturer = User.objects.get(email="dozentin@example.org")
    client.force_login(lecturer)
    marking = client.get("/bewertung/").content.decode()
    assert "Hausarbeit" in marking


def test_demo_completion_facts(demo_staff_user):
    """Most completed; one misses an elective, one is below the attendance threshold, one
    passed on a resit (and completed), the demo login completed."""
    from kohorte.assessments.completion import Verdict, standings
    from kohorte.catalog.models import Cohort

    past = Cohort.objects.get(slug="jahrgang-1")
    everyone = standings(past)
    by_verdict = {}
    for s in everyone:
        by_verdict.setdefault(s.verdict, []).append(s)
    completed = by_verdict[Verdict.COMPLETED]
    assert len(completed) == Completion.objects.current().count() > len(everyone) // 2
    assert "teilnehmerin@example.org" in {s.participation.user.email for s in completed}
    assert Verdict.ON_TRACK not in by_verdict  # the 2024 cohort is over
    at_risk = by_verdict[Verdict.AT_RISK]
    assert len(at_risk) == 2
    sentences = [s.judgement.missing for s in at_risk]
    assert any(m[0] == "Es fehlt noch 1 bestandenes Wahlmodul." for m in sentences)
    assert any(len(m) == 1 and m[0].startswith("Die Anwesenheit liegt bei") for m in sentences)
    resit = Assessment.objects.get(run__cohort=past, attempt=2)
    passed_on_resit = resit.submissions.get()
    assert passed_on_resit.grade == "passed"
    assert Completion.objects.current().filter(participation=passed_on_resit.participation).exists()
