"""Private calendar feeds of participants and of lecturers: a secret URL, revocable, only its
hash stored."""

from django.db import transaction
from django.utils import timezone

from kohorte.catalog.models import Event, Module, ModuleRun
from kohorte.core.audit import log_action
from kohorte.core.tokens import hash_token, new_token, plausible
from kohorte.teaching.access import lecturer_runs
from kohorte.teaching.models import CalendarLink, ElectiveRound, Participation


def _revoke_active(participation: Participation, now) -> list[int]:
    active = participation.calendar_links.filter(revoked_at__isnull=True)
    ids = list(active.values_list("pk", flat=True))
    active.update(revoked_at=now)
    return ids


def create_calendar_link(participation: Participation, *, actor) -> str:
    """Make a new private calendar URL (an older one stops working). Return the token: it is
    shown once, to the participant."""
    token, token_hash = new_token()
    now = timezone.now()
    with transaction.atomic():
        list(Participation.objects.select_for_update().filter(pk=participation.pk).values("pk"))
        revoked = _revoke_active(participation, now)
        link = CalendarLink.objects.create(participation=participation, token_hash=token_hash)
        log_action(
            "teaching.calendar_created",
            actor=actor,
            target=participation,
            data={"link": link.pk, **({"revoked": revoked} if revoked else {})},
        )
    return token


def revoke_calendar_link(participation: Participation, *, actor) -> bool:
    """Revoke the participant's calendar URL; True if there was one."""
    with transaction.atomic():
        revoked = _revoke_active(participation, timezone.now())
        if revoked:
            log_action(
                "teaching.calendar_revoked",
                actor=actor,
                target=participation,
                data={"revoked": revoked},
            )
    return bool(revoked)


def find_calendar_participation(token: str) -> Participation | None:
    """The participation of an active calendar token, or None (unknown or revoked)."""
    if not plausible(token):
        return None
    link = (
        CalendarLink.objects.select_related("participation__cohort__program")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True)
        .first()
    )
    return link.participation if link else None


# Later apps add the events a participant is registered for (events registers in ready()).
_event_providers: list = []


def register_calendar_events(provider) -> None:
    """Add a function ``provider(participation)`` returning a QuerySet of catalog events."""
    _event_providers.append(provider)


def personal_events(participation: Participation):
    """The catalog events in the participant's feed (from the registered providers)."""
    events = Event.objects.none()
    for provider in _event_providers:
        events = events | provider(participation)
    return events.distinct()


def personal_runs(participation: Participation):
    """Exactly the participant's module runs: every mandatory one of the cohort, and the
    electives they have a place in (before the lottery: the electives they chose)."""
    cohort_runs = ModuleRun.objects.filter(cohort_id=participation.cohort_id)
    allocated = ElectiveRound.objects.filter(
        cohort_id=participation.cohort_id, status=ElectiveRound.Status.ALLOCATED
    ).exists()
    electives = (
        participation.elective_places.values_list("run_id", flat=True)
        if allocated
        else participation.elective_choices.values_list("run_id", flat=True)
    )
    return cohort_runs.filter(module__kind=Module.Kind.MANDATORY) | cohort_runs.filter(
        pk__in=electives
    )


def _revoke_active_lecturer(user, now) -> list[int]:
    active = CalendarLink.objects.filter(user=user, revoked_at__isnull=True)
    ids = list(active.values_list("pk", flat=True))
    active.update(revoked_at=now)
    return ids


def create_lecturer_calendar_link(user, *, actor) -> str:
    """A new private calendar URL of a lecturer (an older one stops working); return the token,
    shown once."""
    from kohorte.accounts.models import User

    token, token_hash = new_token()
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=user.pk).values("pk"))
        revoked = _revoke_active_lecturer(user, timezone.now())
        link = CalendarLink.objects.create(user=user, token_hash=token_hash)
        log_action(
            "teaching.lecturer_calendar_created",
            actor=actor,
            target=user,
            data={"link": link.pk, **({"revoked": revoked} if revoked else {})},
        )
    return token


def revoke_lecturer_calendar_link(user, *, actor) -> bool:
    with transaction.atomic():
        revoked = _revoke_active_lecturer(user, timezone.now())
        if revoked:
            log_action(
                "teaching.lecturer_calendar_revoked",
                actor=actor,
                target=user,
                data={"revoked": revoked},
            )
    return bool(revoked)


def find_calendar_lecturer(token: str):
    """The lecturer (account) of an active calendar token, or None (unknown or revoked)."""
    if not plausible(token):
        return None
    link = (
        CalendarLink.objects.select_related("user")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, user__isnull=False)
        .first()
    )
    return link.user if link else None


def lecturer_feed_runs(user):
    """Exactly the module runs this lecturer teaches."""
    return ModuleRun.objects.filter(pk__in=lecturer_runs(user).values("pk"))
