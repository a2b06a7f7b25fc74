import pytest


@pytest.fixture
def cohort(demo_catalog):
    from kohorte.catalog.models import Cohort

    return Cohort.objects.select_related("program").get(slug="jahrgang-2")


@pytest.fixture
def participant(cohort, django_user_model):
    from kohorte.teaching.services import enrol_participant

    user = django_user_model.objects.create_user(
        "tara@bund.example", "x", first_name="Tara", last_name="Teil"
    )
    return enrol_participant(cohort, user, actor=user)
