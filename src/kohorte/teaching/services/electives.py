"""Elective choice: the round (deadline and capacities), the participants' ranked choices, the
seeded lottery (kohorte.teaching.allocation) and staff overrides with a reason."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from kohorte.catalog.models import Module, ModuleRun
from kohorte.core.audit import log_action
from kohorte.core.transitions import move
from kohorte.teaching.allocation import allocate
from kohorte.teaching.models import (
    ElectiveCapacity,
    ElectiveChoice,
    ElectivePlace,
    ElectiveRound,
    Participation,
)


def elective_runs(cohort):
    """The cohort's elective module runs, in date order, with their capacity."""
    return (
        ModuleRun.objects.filter(cohort=cohort, module__kind=Module.Kind.ELECTIVE)
        .select_related("module", "location", "elective_capacity")
        .order_by("starts_on", "pk")
    )


def set_elective_round(cohort, *, actor, choices_close_at, capacities: dict[int, int]):
    """Open (or change) the cohort's elective choice: the deadline and each elective run's
    capacity. Refused once the places are allocated."""
    runs = {run.pk: run for run in elective_runs(cohort)}
    if set(capacities) - set(runs):
        raise ValidationError(_("Das ist kein Wahlmodul dieses Jahrgangs."))
    if any(places < 1 for places in capacities.values()):
        raise ValidationError(_("Ein Wahlmodul braucht mindestens einen Platz."))
    with transaction.atomic():
        round_, created = ElectiveRound.objects.select_for_update().get_or_create(
            cohort=cohort, defaults={"choices_close_at": choices_close_at}
        )
        if round_.status != ElectiveRound.Status.OPEN:
            raise ValidationError(_("Die Plätze sind bereits vergeben."))
        before = {"choices_close_at": round_.choices_close_at.isoformat()} if not created else None
        round_.choices_close_at = choices_close_at
        round_.save(update_fields=["choices_close_at"])
        for run_id, places in capacities.items():
            ElectiveCapacity.objects.update_or_create(run_id=run_id, defaults={"capacity": places})
        log_action(
            "teaching.elective_round_set",
            actor=actor,
            target=round_,
            before=before,
            after={
                "choices_close_at": choices_close_at.isoformat(),
                "capacities": {str(k): v for k, v in sorted(capacities.items())},
            },
        )
    return round_


def choice_refusal(participation: Participation, now=None) -> str:
    """Why this participant cannot choose now, or ""."""
    round_ = ElectiveRound.objects.filter(cohort_id=participation.cohort_id).first()
    if round_ is None:
        return _("Die Wahl der Wahlmodule ist noch nicht geöffnet.")
    if (
        round_.status != ElectiveRound.Status.OPEN
        or (now or timezone.now()) >= round_.choices_close_at
    ):
        return _("Die Wahl ist abgeschlossen.")
    return ""


def choose_electives(participation: Participation, run_ids: list[int], *, actor, now=None):
    """Replace the participant's choices by ``run_ids`` (most wanted first), before the
    deadline."""
    if refusal := choice_refusal(participation, now):
        raise ValidationError(refusal)
    allowed = set(elective_runs(participation.cohort).values_list("pk", flat=True))
    if len(set(run_ids)) != len(run_ids) or set(run_ids) - allowed:
        raise ValidationError(_("Bitte wählen Sie jedes Wahlmodul höchstens einmal."))
    with transaction.atomic():
        list(Participation.objects.select_for_update().filter(pk=participation.pk).values("pk"))
        before = list(
            participation.elective_choices.order_by("rank").values_list("run_id", flat=True)
        )
        participation.elective_choices.all().delete()
        ElectiveChoice.objects.bulk_create(
            ElectiveChoice(participation=participation, run_id=run_id, rank=rank)
            for rank, run_id in enumerate(run_ids, start=1)
        )
        log_action(
            "teaching.electives_chosen",
            actor=actor,
            target=participation,
            before={"choices": before},
            after={"choices": run_ids},
        )


def allocate_electives(cohort, *, actor, seed: int | None = None, now=None) -> ElectiveRound:
    """After the deadline: draw the lottery with ``seed`` (a fresh random one if none) and give
    the places; the seed is stored and audited, so the result can be reproduced."""
    now = now or timezone.now()
    seed = seed if seed is not None else secrets.randbelow(2**31)
    with transaction.atomic():
        round_ = ElectiveRound.objects.select_for_update().filter(cohort=cohort).first()
        if round_ is None:
            raise ValidationError(_("Die Wahl der Wahlmodule ist noch nicht geöffnet."))
        if now < round_.choices_close_at:
            raise ValidationError(
                _("Die Wahl läuft noch bis %(date)s; danach können Sie die Plätze verlosen.")
                % {"date": date_format(localtime(round_.choices_close_at), "DATETIME_FORMAT")}
            )
        move(
            round_,
            "status",
            ElectiveRound.Status.ALLOCATED,
            ElectiveRound.TRANSITIONS,
            _("Die Plätze sind bereits vergeben."),
            seed=seed,
            allocated_at=now,
        )
        choices: dict[int, list[int]] = {}
        for choice in ElectiveChoice.objects.filter(participation__cohort=cohort).order_by(
            "participation_id", "rank"
        ):
            choices.setdefault(choice.participation_id, []).append(choice.run_id)
        capacity = dict(
            ElectiveCapacity.objects.filter(run__cohort=cohort).values_list("run_id", "capacity")
        )
        result = allocate(choices, capacity, seed)
        ElectivePlace.objects.bulk_create(
            ElectivePlace(participation_id=p, run_id=run, source=ElectivePlace.Source.LOTTERY)
            for p, runs in result.items()
            for run in runs
        )
        log_action(
            "teaching.electives_allocated",
            actor=actor,
            target=round_,
            data={"seed": seed, "places": sum(len(r) for r in result.values())},
            before={"status": ElectiveRound.Status.OPEN},
            after={"status": ElectiveRound.Status.ALLOCATED},
        )
    return round_


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(_("Bitte geben Sie eine Begründung an."))
    return reason


def grant_place(participation: Participation, run: ModuleRun, *, actor, reason: str):
    """Staff give a place beyond the lottery (never beyond the capacity), with a reason."""
    reason = _reason(reason)
    if run.cohort_id != participation.cohort_id or run.module.kind != Module.Kind.ELECTIVE:
        raise ValidationError(_("Das ist kein Wahlmodul dieses Jahrgangs."))
    with transaction.atomic():
        capacity = ElectiveCapacity.objects.select_for_update().filter(run=run).first()
        taken = ElectivePlace.objects.filter(run=run).aggregate(n=Count("pk"))["n"]
        if capacity is None or taken >= capacity.capacity:
            raise ValidationError(
                _("Das Wahlmodul ist voll. Erhöhen Sie zuerst die Zahl der Plätze.")
            )
        if ElectivePlace.objects.filter(participation=participation, run=run).exists():
            raise ValidationError(_("Diese Person hat in diesem Wahlmodul schon einen Platz."))
        place = ElectivePlace.objects.create(
            participation=participation, run=run, source=ElectivePlace.Source.STAFF, reason=reason
        )
        log_action(
            "teaching.elective_place_granted",
            actor=actor,
            target=participation,
            data={"run": run.pk, "reason": reason},
        )
    return place


def remove_place(participation: Participation, run: ModuleRun, *, actor, reason: str) -> None:
    """Staff take a place back, with a reason."""
    reason = _reason(reason)
    with transaction.atomic():
        deleted, _rows = ElectivePlace.objects.filter(participation=participation, run=run).delete()
        if not deleted:
            raise ValidationError(_("Diese Person hat in diesem Wahlmodul keinen Platz."))
        log_action(
            "teaching.elective_place_removed",
            actor=actor,
            target=participation,
            data={"run": run.pk, "reason": reason},
        )
