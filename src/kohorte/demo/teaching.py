"""Teaching demo data: the 2024 cohort in operation. Every participant named a supervisor; all
releases are confirmed but one; the electives (modules 4 and 5) were chosen and allotted by the
seeded lottery; some gave practical details. One of them is the demo login
``teilnehmerin@example.org`` (Tara Teilnehmer)."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kohorte.demo import attendance
from kohorte.demo.accounts import DEMO_DOMAIN
from kohorte.demo.catalog import PAST_COHORT

PARTICIPANT_EMAIL = f"teilnehmerin@{DEMO_DOMAIN}"
SUPERVISOR_ROLES = ["Abteilungsleitung", "Referatsleitung", "Unterabteilungsleitung", "Amtsleitung"]
DIETS = ["vegetarisch", "vegan", "keine Schweinefleischgerichte", "laktosefrei"]


def participant_login(password: str) -> tuple[str, str, str]:
    return ("participant", PARTICIPANT_EMAIL, password)


def load_teaching_demo(program, staff) -> None:
    """Idempotent: does nothing once the 2024 cohort's electives are allotted."""
    from kohorte.teaching.models import ElectiveRound

    past = program.cohorts.get(slug=PAST_COHORT)
    if ElectiveRound.objects.filter(cohort=past).exists() or not past.participations.exists():
        return
    with transaction.atomic():
        _past(past, staff)


def _demo_login(participation, staff) -> None:
    """The first participant becomes the demo login (same password as the other accounts: the
    staff account's hash is reused, so no second hash is computed)."""
    from allauth.account.models import EmailAddress

    user = participation.user
    user.email, user.first_name, user.last_name = PARTICIPANT_EMAIL, "Tara", "Teilnehmer"
    user.password = staff.password
    user.save(update_fields=["email", "first_name", "last_name", "password"])
    EmailAddress.objects.update_or_create(
        user=user, email=PARTICIPANT_EMAIL, defaults={"verified": True, "primary": True}
    )
    if participation.application_id:
        from kohorte.admissions.models import Application

        Application.objects.filter(pk=participation.application_id).update(
            first_name="Tara", last_name="Teilnehmer"
        )


def _past(cohort, staff) -> None:
    from faker import Faker

    from kohorte.comms.models import OutboxMessage
    from kohorte.teaching import services

    rng = random.Random(2024)  # noqa: S311 (reproducible demo data)
    fake = Faker("de_DE")
    Faker.seed(2024)
    participations = list(
        cohort.participations.select_related("user", "application").order_by("pk")
    )
    _demo_login(participations[0], staff)
    participations[0].refresh_from_db()
    start = timezone.make_aware(datetime.combine(cohort.decision_on, time(10)))
    for index, participation in enumerate(participations):
        supervisor = fake.name()
        release, _token = services.request_release(
            participation,
            name=supervisor,
            role=rng.choice(SUPERVISOR_ROLES),
            email=f"vorgesetzt-{index + 1:02d}@verwaltung.example",
            actor=participation.user,
        )
        if index != len(participations) - 1:  # the last one is still pending
            services.confirm_release(release, now=start + timedelta(days=rng.randint(1, 20)))
        if rng.random() < 0.6 or index == 0:
            services.save_practical_details(
                participation,
                actor=participation.user,
                dietary_needs=rng.choice(DIETS) if rng.random() < 0.5 or index == 0 else "",
                accessibility_needs="stufenloser Zugang" if index == 3 else "",
                arrives=rng.random() < 0.5 or index == 0,
            )
    # electives: chosen in August 2024, allotted by the lottery after the deadline
    runs = list(services.elective_runs(cohort))
    close = timezone.make_aware(
        datetime.combine(cohort.starts_on - timedelta(days=30), time(23, 59))
    )
    services.set_elective_round(
        cohort, actor=staff, choices_close_at=close, capacities={r.pk: 18 for r in runs}
    )
    for participation in participations:
        ranked = [r.pk for r in runs]
        rng.shuffle(ranked)
        if rng.random() < 0.4:
            ranked = ranked[:1]
        services.choose_electives(
            participation, ranked, actor=participation.user, now=close - timedelta(days=5)
        )
    services.allocate_electives(cohort, actor=staff, seed=2024, now=close + timedelta(hours=9))
    runs = list(services.elective_runs(cohort))  # again, now with their capacity
    # whoever chose only a full elective got a place in the other one, by staff, with a reason
    for participation in cohort.participations.filter(elective_places__isnull=True):
        for run in runs:
            if run.elective_places.count() < run.elective_capacity.capacity:
                services.grant_place(
                    participation,
                    run,
                    actor=staff,
                    reason="Gewähltes Wahlmodul voll; nach Rücksprache dieses Wahlmodul.",
                )
                break
    attendance.load_attendance_demo(cohort, staff)
    # these mails went out in 2024: the demo's outbox should not send them now
    OutboxMessage.objects.filter(event_key__startswith="teaching.release_").update(
        state="sent", sent_at=start, secrets=""
    )
