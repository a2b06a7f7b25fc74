import pytest

from kohorte.catalog.models import Cohort
from kohorte.selection import services
from kohorte.selection.setup import setup_cohort
from tests.factories import make_applications, review_all  # noqa: F401 (re-exported)


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
        services.add_committee_member(cohort, user, actor=None, authority=authority)
        reviewers.append(user)
    chair = django_user_model.objects.create_user(
        "chair@example.org", "pw", first_name="Carla", last_name="Chair"
    )
    services.add_committee_member(cohort, chair, actor=None, is_chair=True, reviews=False)
    return {"cohort": cohort, "applications": applications, "reviewers": reviewers, "chair": chair}
