from datetime import date, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kohorte.accounts.models import Membership, User
from kohorte.catalog import models as m
from tests.factories import CohortFactory, ModuleFactory, ModuleRunFactory

pytestmark = pytest.mark.django_db


def _refused(fn):
    with pytest.raises(IntegrityError), transaction.atomic():
        fn()


def test_cohort_end_before_start_is_refused_by_database():
    cohort = CohortFactory()
    _refused(lambda: m.Cohort.objects.filter(pk=cohort.pk).update(ends_on=date(2029, 1, 1)))


def test_cohort_window_must_close_after_opening():
    cohort = CohortFactory()
    _refused(
        lambda: m.Cohort.objects.filter(pk=cohort.pk).update(
            applications_close_at=cohort.applications_open_at
        )
    )


def test_cohort_needs_seats():
    cohort = CohortFactory()
    _refused(lambda: m.Cohort.objects.filter(pk=cohort.pk).update(seats=0))


def test_module_appears_once_per_cohort():
    run = ModuleRunFactory()
    _refused(
        lambda: m.ModuleRun.objects.create(
            cohort=run.cohort,
            module=run.module,
            starts_on=run.starts_on,
            ends_on=run.ends_on,
            location=run.location,
        )
    )


def test_module_run_end_before_start_is_refused():
    run = ModuleRunFactory()
    _refused(
        lambda: m.ModuleRun.objects.filter(pk=run.pk).update(
            ends_on=run.starts_on - timedelta(days=1)
        )
    )


def test_onsite_run_needs_location_online_does_not():
    run = ModuleRunFactory()
    _refused(lambda: m.ModuleRun.objects.filter(pk=run.pk).update(location=None))
    m.ModuleRun.objects.filter(pk=run.pk).update(location=None, format="online")
    assert m.ModuleRun.objects.get(pk=run.pk).is_online


def test_session_must_end_after_start():
    run = ModuleRunFactory(with_sessions=False)
    _refused(
        lambda: m.Session.objects.create(
            run=run, date=run.starts_on, starts_at=time(17), ends_at=time(9)
        )
    )


def test_module_number_unique_per_program():
    module = ModuleFactory()
    _refused(lambda: ModuleFactory(program=module.program, number=module.number))


def test_run_dates_outside_cohort_are_refused_with_a_message():
    run = ModuleRunFactory.build(
        cohort=CohortFactory(),
        module=ModuleFactory(),
        location=None,
        format="online",
        starts_on=date(2029, 12, 30),
        ends_on=date(2030, 1, 2),
    )
    run.module.program = run.cohort.program
    with pytest.raises(ValidationError) as error:
        run.full_clean()
    assert "Zeitraum des Jahrgangs" in str(error.value.message_dict["starts_on"])


def test_run_of_module_from_other_program_is_refused():
    cohort = CohortFactory()
    run = m.ModuleRun(
        cohort=cohort,
        module=ModuleFactory(),
        starts_on=cohort.starts_on,
        ends_on=cohort.starts_on,
        format="online",
    )
    with pytest.raises(ValidationError) as error:
        run.full_clean()
    assert "module" in error.value.message_dict


def test_membership_is_for_program_or_cohort_not_both():
    cohort = CohortFactory()
    user = User.objects.create_user("a@example.org", "x")
    _refused(
        lambda: Membership.objects.create(
            user=user, role="staff", program=cohort.program, cohort=cohort
        )
    )
    _refused(lambda: Membership.objects.create(user=user, role="staff"))
    Membership.objects.create(user=user, role="reviewer", cohort=cohort)
    _refused(lambda: Membership.objects.create(user=user, role="reviewer", cohort=cohort))


def test_user_email_is_unique_ignoring_case():
    User.objects.create_user("Anna@Example.org", "x")
    _refused(lambda: User.objects.create_user("anna@example.org", "x"))
    assert User.objects.get_by_natural_key("ANNA@example.org").email == "Anna@example.org"


def test_featured_cohort_prefers_open_window(demo_catalog):
    cohorts = list(m.Cohort.objects.all())
    assert m.featured_cohort(cohorts).slug == "jahrgang-2"
    past_only = [c for c in cohorts if c.slug == "jahrgang-1"]
    assert m.featured_cohort(past_only).slug == "jahrgang-1"
    assert m.featured_cohort([]) is None
