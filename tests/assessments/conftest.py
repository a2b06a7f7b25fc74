from datetime import timedelta

import pytest
from django.utils import timezone


@pytest.fixture
def cohort(demo_catalog):
    from kohorte.catalog.models import Cohort

    return Cohort.objects.select_related("program").get(slug="jahrgang-2")


@pytest.fixture
def run(cohort):
    """The first mandatory run of the cohort, graded on the German scale."""
    from kohorte.catalog.models import Module, ModuleRun

    run = (
        ModuleRun.objects.select_related("module")
        .filter(cohort=cohort, module__kind=Module.Kind.MANDATORY)
        .order_by("starts_on")
        .first()
    )
    Module.objects.filter(pk=run.module_id).update(grading=Module.Grading.GRADE_DE)
    run.module.refresh_from_db()
    return run


def _lecturer(django_user_model, run, email, first, last):
    from kohorte.accounts.models import Membership
    from kohorte.catalog.models import Person

    user = django_user_model.objects.create_user(email, "x", first_name=first, last_name=last)
    Membership.objects.create(user=user, role="lecturer", cohort=run.cohort)
    person = Person.objects.create(
        slug=email.split("@")[0], first_name=first, last_name=last, user=user
    )
    run.lecturers.add(person)
    return user


@pytest.fixture
def lecturer(django_user_model, run):
    return _lecturer(django_user_model, run, "dora@uni.example", "Dora", "Dozentin")


@pytest.fixture
def second_lecturer(django_user_model, run):
    return _lecturer(django_user_model, run, "zweit@uni.example", "Zora", "Zweit")


@pytest.fixture
def team(django_user_model, cohort):
    """Staff of the cohort's programme."""
    from kohorte.accounts.models import Membership

    user = django_user_model.objects.create_user(
        "team@example.org", "x", is_staff=True, first_name="Tina", last_name="Team"
    )
    Membership.objects.create(user=user, role="staff", program=cohort.program)
    return user


@pytest.fixture
def participant(cohort, django_user_model):
    from kohorte.teaching.services import enrol_participant

    user = django_user_model.objects.create_user(
        "tara@bund.example", "x", first_name="Tara", last_name="Teil"
    )
    return enrol_participant(cohort, user, actor=user)


@pytest.fixture
def other_participant(cohort, django_user_model):
    from kohorte.teaching.services import enrol_participant

    user = django_user_model.objects.create_user(
        "otto@bund.example", "x", first_name="Otto", last_name="Ohnename"
    )
    return enrol_participant(cohort, user, actor=user)


@pytest.fixture
def assessment(run, team):
    from kohorte.assessments.services import create_assessment

    return create_assessment(
        run,
        actor=team,
        kind="paper",
        task="Analysieren Sie einen KI-Anwendungsfall Ihrer Behörde.",
        due_at=timezone.now() + timedelta(days=7),
        max_pages=20,
    )
