"""The assessments demo: one per module of the 2024 cohort, the past ones published, one open
for the demo participant, who sees it on her page."""

import pytest

from kohorte.assessments.models import Assessment, Submission

pytestmark = pytest.mark.django_db


def test_demo_assessments(demo_staff_user, client):
    from kohorte.accounts.models import User
    from kohorte.catalog.models import Cohort

    past = Cohort.objects.get(slug="jahrgang-1")
    assessments = list(Assessment.objects.filter(run__cohort=past))
    assert len(assessments) == past.runs.count()
    open_ones = [a for a in assessments if a.status == "open"]
    assert len(open_ones) == 1 and open_ones[0].kind == "paper"
    assert Submission.objects.filter(assessment__run__cohort=past, status="published").count() > 20
    assert Submission.objects.filter(agreed_by__isnull=False).distinct().count() == 1
    tara = User.objects.get(email="teilnehmerin@example.org")
    client.force_login(tara)
    page = client.get(f"/mein-programm/pruefungen/{open_ones[0].pk}/").content.decode()
    assert "Arbeit abgeben" in page and "Eigenständigkeitserklärung" in page
    listing = client.get("/mein-programm/pruefungen/").content.decode()
    assert "Note: bestanden" in listing
    lecturer = User.objects.get(email="dozentin@example.org")
    client.force_login(lecturer)
    marking = client.get("/bewertung/").content.decode()
    assert "Hausarbeit" in marking
