"""The staff start page („Verwaltung“): the tasks of the day per running cohort, counted the same
way an independent query counts them, in a fixed number of queries, for staff only."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kohorte.accounts.models import Membership
from kohorte.admissions.models import Application
from kohorte.catalog.models import Cohort
from kohorte.comms.models import OutboxMessage
from kohorte.selection.models import Assignment, Decision, Offer
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db
URL = "/verwaltung/"


def text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_start_page_counts_the_tasks_of_the_day(client, demo_staff_user):
    cohort = Cohort.objects.get(slug="jahrgang-2")
    client.force_login(demo_staff_user)
    body = text(client.get(URL))
    undecided = (
        Application.objects.filter(cohort=cohort, status="submitted")
        .exclude(decisions__is_current=True)
        .count()
    )
    decided = Decision.objects.filter(application__cohort=cohort, is_current=True).count()
    missing = Assignment.objects.filter(application__cohort=cohort).filter(
        Q(review__isnull=True) | Q(review__submitted_at__isnull=True)
    )
    held = OutboxMessage.objects.filter(state="held").count()
    assert decided > 0 and missing.count() == 6  # the demo reviewer's open assignments
    assert "Aufgaben des Tages" in body and cohort.name in body
    if undecided:
        assert f"{undecided} eingereichte Bewerbung" in body
    assert "6 Gutachten fehlen noch" in body
    assert f"{held} zurückgehaltene Mail" in body
    assert "Zur Datenverwaltung" in body
    # the completed 2024 cohort has no tasks and is not listed
    assert Cohort.objects.get(slug="jahrgang-1").name not in body


def test_start_page_names_offers_about_to_expire(client, demo_staff_user):
    cohort = Cohort.objects.get(slug="jahrgang-2")
    application = Application.objects.filter(cohort=cohort, status="submitted").first()
    Offer.objects.create(
        application=application,
        token_hash="x" * 64,
        respond_by=timezone.now() + timedelta(days=1),
        created_by=demo_staff_user,
    )
    client.force_login(demo_staff_user)
    body = text(client.get(URL))
    assert "davon läuft 1 in den nächsten 3 Tagen ab" in body


def test_start_page_costs_the_same_queries_for_more_cohorts(client, demo_staff_user):
    client.force_login(demo_staff_user)
    client.get(URL)
    with CaptureQueriesContext(connection) as one:
        client.get(URL)
    program = Cohort.objects.get(slug="jahrgang-2").program
    for index in range(5):
        CohortFactory(program=program, slug=f"extra-{index}", status="published")
    with CaptureQueriesContext(connection) as six:
        response = client.get(URL)
    assert text(response).count("Für diesen Jahrgang wartet heute nichts.") == 5
    assert len(six) == len(one)


def test_header_verwaltung_leads_to_the_start_page(client, staff_user):
    client.force_login(staff_user)
    html = client.get("/ki-data-science/").content.decode()
    assert f'href="{URL}">Verwaltung</a>' in html


@pytest.mark.parametrize("role", ["anonymous", "applicant", "reviewer", "lecturer"])
def test_start_page_refuses_everyone_but_staff(client, staff_user, django_user_model, role):
    cohort = Cohort.objects.get(slug="jahrgang-2")
    if role != "anonymous":
        user = django_user_model.objects.create_user(f"{role}@example.org", "x")
        if role in {"reviewer", "lecturer"}:
            Membership.objects.create(user=user, role=role, cohort=cohort)
        client.force_login(user)
    response = client.get(URL)
    if role == "anonymous":
        assert response.status_code == 302 and "/konto/login/" in response["Location"]
    else:
        assert response.status_code == 404


def test_staff_of_another_programme_sees_none_of_these_cohorts(
    client, staff_user, django_user_model
):
    other = django_user_model.objects.create_user("os@example.org", "x", is_staff=True)
    elsewhere = CohortFactory(status="published")
    Membership.objects.create(user=other, role="staff", program=elsewhere.program)
    client.force_login(other)
    body = text(client.get(URL))
    assert elsewhere.name in body
    assert Cohort.objects.get(slug="jahrgang-2").name not in body
    assert "Gutachten fehlen" not in body
