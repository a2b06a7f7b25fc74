"""Periodic work: one schedule in the database, claimed with a lease, run once per period.

Jobs are registered in code under a stable name (``@scheduled_job`` in an app's ``tasks.py``);
the table ``ScheduledJob`` holds one row per name with the time it is next due. Whoever wants to
run a job (the scheduler thread of every ``kohorte worker``, or ``kohorte manage run_scheduled``
from cron) first claims it with one conditional UPDATE::

    UPDATE core_scheduledjob SET lease_until = now + lease, leased_by = me
     WHERE name = ? AND next_run_at <= now AND (lease_until IS NULL OR lease_until <= now)

Only one claimer can change that row, on SQLite and PostgreSQL alike, so several workers, each
started several times, run a job once per period. After the run the claimer sets the next due
time and releases the lease (only while it still holds it). A worker that dies mid-run leaves
its lease behind; once it expires another worker runs the job again.
"""

from __future__ import annotations

import contextvars
import logging
import os
import socket
import threading
import traceback
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from importlib import import_module
from zoneinfo import ZoneInfo

from django.db import close_old_connections
from django.db.models import Q
from django.utils import timezone

log = logging.getLogger(__name__)

BERLIN = ZoneInfo("Europe/Berlin")

# The slot (due time) of the run in progress, for jobs that want to know it.
_current_slot: contextvars.ContextVar[datetime | None] = contextvars.ContextVar(
    "kohorte_schedule_slot", default=None
)


def current_slot() -> datetime | None:
    """The due time of the scheduled run that calls this, else None."""
    return _current_slot.get()


@dataclass(frozen=True)
class Every:
    """Every ``interval``, counted from the first due time (no drift, missed periods skipped)."""

    interval: timedelta

    def describe(self) -> str:
        return f"every {int(self.interval.total_seconds())}s"

    def first(self, now: datetime) -> datetime:
        return now

    def next_after(self, slot: datetime, now: datetime) -> datetime:
        step = self.interval
        nxt = slot + step
        if nxt <= now:  # periods missed while no worker ran are skipped, not caught up
            nxt += step * ((now - nxt) // step + 1)
        return nxt


@dataclass(frozen=True)
class DailyAt:
    """Every day at a wall-clock time in a time zone (07:00 stays 07:00 across DST)."""

    at: time
    tz: ZoneInfo = BERLIN

    def describe(self) -> str:
        return f"daily {self.at:%H:%M} {self.tz.key}"

    def _on(self, day) -> datetime:
        return datetime.combine(day, self.at, tzinfo=self.tz)

    def first(self, now: datetime) -> datetime:
        """The latest slot at or before now: a new installation runs the job right away."""
        local = now.astimezone(self.tz)
        today = self._on(local.date())
        return today if today <= now else self._on(local.date() - timedelta(days=1))

    def next_after(self, slot: datetime, now: datetime) -> datetime:
        after = max(slot, now).astimezone(self.tz)
        candidate = self._on(after.date())
        if candidate <= after:
            candidate = self._on(after.date() + timedelta(days=1))
        return candidate


Period = Every | DailyAt


@dataclass(frozen=True)
class Job:
    name: str
    func: Callable[[], object]
    period: Period
    # Longer than the job ever runs: a lease that expires during a run lets another worker
    # start the job a second time.
    lease: timedelta = field(default=timedelta(minutes=15))


_registry: dict[str, Job] = {}
_discovered = False


def scheduled_job(
    name: str,
    *,
    every: timedelta | None = None,
    daily_at: time | None = None,
    tz: ZoneInfo = BERLIN,
    lease: timedelta | None = None,
):
    """Register the decorated function as the periodic job ``name``."""
    period: Period
    if every is not None and daily_at is None:
        period = Every(every)
    elif daily_at is not None and every is None:
        period = DailyAt(daily_at, tz)
    else:
        raise ValueError("give exactly one of every= or daily_at=")

    def register(func):
        _registry[name] = Job(name, func, period, lease or timedelta(minutes=15))
        return func

    return register


def jobs() -> dict[str, Job]:
    """Every registered job: the ``tasks`` module of each installed app is imported once, and
    the modules named in ``KOHORTE_SCHEDULE_MODULES`` (comma-separated; plug-ins and tests)."""
    global _discovered
    if not _discovered:
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
        for module in filter(None, os.environ.get("KOHORTE_SCHEDULE_MODULES", "").split(",")):
            import_module(module.strip())
        _discovered = True
    return dict(_registry)


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"[:100]


def sync_jobs(now: datetime | None = None) -> None:
    """One row per registered job; a changed period is due again by its new rule."""
    from kohorte.core.models import ScheduledJob

    now = now or timezone.now()
    for job in jobs().values():
        row, created = ScheduledJob.objects.get_or_create(
            name=job.name,
            defaults={"period": job.period.describe(), "next_run_at": job.period.first(now)},
        )
        if not created and row.period != job.period.describe():
            ScheduledJob.objects.filter(pk=row.pk).update(
                period=job.period.describe(), next_run_at=job.period.first(now)
            )


def claim(
    name: str, owner: str, *, now: datetime | None = None, lease: timedelta, force: bool = False
) -> datetime | None:
    """Take the lease on a due job (any job with ``force``); its due time, or None if taken."""
    from kohorte.core.models import ScheduledJob

    now = now or timezone.now()
    free = Q(lease_until__isnull=True) | Q(lease_until__lte=now)
    due = Q() if force else Q(next_run_at__lte=now)
    slot = ScheduledJob.objects.filter(name=name).values_list("next_run_at", flat=True).first()
    if slot is None:
        return None
    claimed = ScheduledJob.objects.filter(free & due, name=name, next_run_at=slot).update(
        lease_until=now + lease, leased_by=owner
    )
    return slot if claimed else None


def release(
    job: Job, owner: str, slot: datetime, *, error: str = "", now: datetime | None = None
) -> bool:
    """Set the next due time and give the lease back, if ``owner`` still holds it."""
    from django.db.models import F

    from kohorte.core.models import ScheduledJob

    now = now or timezone.now()
    return bool(
        ScheduledJob.objects.filter(name=job.name, leased_by=owner).update(
            next_run_at=job.period.next_after(slot, now),
            lease_until=None,
            leased_by="",
            last_run_at=now,
            last_error=error[:5000],
            run_count=F("run_count") + 1,
        )
    )


def run_job(job: Job, owner: str, *, force: bool = False) -> bool | None:
    """Claim and run one job. True: it ran; False: it failed; None: not due or taken."""
    slot = claim(job.name, owner, lease=job.lease, force=force)
    if slot is None:
        return None
    token = _current_slot.set(slot)
    error = ""
    try:
        job.func()
    except Exception:
        error = traceback.format_exc()
        log.exception("scheduled job %s failed", job.name)
    finally:
        _current_slot.reset(token)
    release(job, owner, slot, error=error)
    return not error


def run_due(owner: str, only: str | None = None, *, force: bool = False) -> dict[str, bool]:
    """Run every due job (or the job ``only``) once; the result of each job that ran."""
    sync_jobs()
    results = {}
    for name, job in sorted(jobs().items()):
        if only is not None and name != only:
            continue
        outcome = run_job(job, owner, force=force)
        if outcome is not None:
            results[name] = outcome
    return results


class SchedulerThread(threading.Thread):
    """The scheduler of one worker process: every ``tick`` seconds, run whatever is due."""

    def __init__(self, tick: float | None = None):
        super().__init__(name="kohorte-scheduler", daemon=True)
        self.tick = (
            tick if tick is not None else float(os.environ.get("KOHORTE_SCHEDULER_TICK", "30"))
        )
        self.owner = worker_id()
        self.stopping = threading.Event()

    def run(self) -> None:
        while not self.stopping.is_set():
            try:
                close_old_connections()
                run_due(self.owner)
            except Exception:  # the database was away; try again at the next tick
                log.exception("scheduler tick failed")
            finally:
                close_old_connections()
            self.stopping.wait(self.tick)

    def stop(self) -> None:
        self.stopping.set()
