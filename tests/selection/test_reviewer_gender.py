"""Reviewers never see an applicant's gender, blind mode or not: the consent covers the balance
of the cohort, not the review (issue 12, item 6)."""

import re

import pytest

from kohorte.admissions import services as admissions
from kohorte.selection import services
from kohorte.selection.models import SelectionSettings
from tests.factories import complete, pdf

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("blind", [False, True])
def test_reviewer_never_sees_gender(client, committee, django_user_model, blind):
    cohort = committee["cohort"]
    owner = django_user_model.objects.create_user(
        "dora@bund.example", None, first_name="Dora", last_name="Divers"
    )
    application = admissions.start_application(cohort, owner)
    complete(application, owner)
    admissions.save_draft(application, {"gender": "diverse"}, actor=owner)
    _, token = admissions.request_referee(
        application, name="R", role="r", authority="a", email="r@example.org", actor=owner
    )
    admissions.referee_upload(admissions.find_referee_request(token), pdf("letter.pdf"))
    admissions.submit_application(application, actor=owner)
    settings_ = SelectionSettings.for_cohort(cohort)
    settings_.blind_review = blind
    settings_.blind_fields = ["name"] if blind else []
    settings_.save()
    services.assign_reviewers(cohort, actor=committee["chair"], seed=4)
    assignment = application.assignments.first()
    client.force_login(assignment.reviewer)
    html = client.get(f"/kommission/{cohort.pk}/{assignment.pk}/").content.decode()
    text = re.sub(r"<[^>]+>", " ", html)
    assert "Beteiligung an KI-Projekten" in text  # the application is on the page
    assert "Geschlecht" not in text
    assert not re.search(r"\bdivers\b", text)
