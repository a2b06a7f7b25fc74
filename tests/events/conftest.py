from datetime import timedelta

import pytest


@pytest.fixture
def cohort(demo_catalog):
    from kohorte.catalog.models import Cohort

    return Cohort.objects.select_related("program").get(slug="jahrgang-2")


@pytest.fixture
def talk(cohort):
    from django.utils import timezone

    from kohorte.catalog.models import Event
    from kohorte.events.models import EventSettings

    start = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    event = Event.objects.create(
        program=cohort.program,
        kind=Event.Kind.SPEAKER_SERIES,
        title="Daten teilen in der Verwaltung",
        starts_at=start,
        ends_at=start + timedelta(hours=1),
    )
    EventSettings.objects.create(
        event=event,
        registration_open=True,
        capacity=2,
        open_to_public=True,
        online_url="https://meet.example.org/geheim-123",
    )
    return event


@pytest.fixture
def participant(cohort, django_user_model):
    from kohorte.teaching.services import enrol_participant

    user = django_user_model.objects.create_user(
        "tara@bund.example", "x", first_name="Tara", last_name="Teil"
    )
    return enrol_participant(cohort, user, actor=user)


@pytest.fixture
def make_participant(cohort, django_user_model):
    from kohorte.teaching.services import enrol_participant

    def make(n):
        user = django_user_model.objects.create_user(
            f"p{n}@bund.example", "x", first_name=f"Person{n}", last_name="Teil"
        )
        return enrol_participant(cohort, user, actor=user)

    return make
