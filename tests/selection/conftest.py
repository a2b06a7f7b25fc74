import random
from datetime import timedelta

import pytest
from django.utils import timezone

from kohorte.admissions.models import Application
from kohorte.catalog.models import Cohort
from kohorte.selection import services
from kohorte.selection.models import CommitteeMember
from kohorte.selection.setup import setup_cohort

AUTHORITIES = [
    ("Bundesministerium der Finanzen", "bund"),
    ("Bundesamt für Statistik", "bund"),
    ("Staatskanzlei Sachsen", "land"),
    ("Landesamt für Steuern", "land"),
    ("Stadt Bonn", "kommune"),
    ("Stadt Jena", "kommune"),
]


def make_applications(cohort, n, *, start=0, rng=None):
    from kohorte.accounts.models import User

    rng = rng or random.Random(1)
    out = []
    for i in range(start, start + n):
        user = User.objects.create_user(
            f"applicant{i}@bund.example", None, first_name=f"Vorname{i}", last_name=f"Nachname{i}"
        )
        authority, level = AUTHORITIES[i % len(AUTHORITIES)]
        out.append(
            Application.objects.create(
                cohort=cohort,
                applicant=user,
                status=Application.Status.SUBMITTED,
                first_name=f"Vorname{i}",
                last_name=f"Nachname{i}",
                authority=authority,
                federal_level=level,
                authority_kind="obere",
                leadership_level=rng.choice([2, 3, 4]),
                gender=rng.choice(["female", "male"]),
                submitted_at=timezone.now() - timedelta(days=1),
                is_complete=True,
                is_eligible=True,
            )
        )
    return out


@pytest.fixture
def committee(demo_catalog, django_user_model):
    """The current cohort with 12 submitted applications, five reviewers and a chair."""
    cohort = Cohort.objects.get(slug="jahrgang-2")
    setup_cohort(cohort)
    applications = make_applications(cohort, 12)
    reviewers = []
    for i, authority in enumerate(
        [
            "Bundesministerium der Finanzen",
            "Stadt Bonn",
            "Landesamt für Steuern",
            "Ministerium X",
            "Ministerium Y",
        ]
    ):
        user = django_user_model.objects.create_user(
            f"reviewer{i}@example.org", "pw", first_name=f"Rita{i}", last_name="Richter"
        )
        CommitteeMember.objects.create(cohort=cohort, user=user, authority=authority)
        reviewers.append(user)
    chair = django_user_model.objects.create_user(
        "chair@example.org", "pw", first_name="Carla", last_name="Chair"
    )
    CommitteeMember.objects.create(cohort=cohort, user=chair, is_chair=True, reviews=False)
    return {"cohort": cohort, "applications": applications, "reviewers": reviewers, "chair": chair}


def review_all(cohort, rng=None, skip=()):
    """Every open assignment gets a submitted review (scores from a seeded generator)."""
    from kohorte.selection.models import Assignment

    rng = rng or random.Random(5)
    criteria = list(cohort.criteria.all())
    for a in Assignment.objects.filter(application__cohort=cohort, review__isnull=True):
        if a.reviewer_id in skip:
            continue
        data = {f"score_{c.pk}": rng.randint(1, 5) for c in criteria}
        data["confidence"] = 2
        services.save_review(a, data, submit=True, actor=a.reviewer)
