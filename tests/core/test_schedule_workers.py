"""Two real worker processes, one of them started twice, share the schedule: a job with a
two-second period runs exactly once per period."""

import itertools
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta

import pytest
from django.db import connection

from kohorte.core.models import AuditLog, ScheduledJob

pytestmark = pytest.mark.django_db(transaction=True)
PERIOD = 2.0


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _start_worker() -> subprocess.Popen:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "KOHORTE_SCHEDULE_MODULES": "tests.core.schedule_probe",
        "KOHORTE_PROBE_SECONDS": str(PERIOD),
        "KOHORTE_SCHEDULER_TICK": "0.2",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.Popen(
        [sys.executable, "-m", "kohorte", "worker", "--no-startup-delay", "--no-reload"],
        env=env,
        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out


def _runs():
    return list(AuditLog.objects.filter(action="schedule.probe").order_by("id"))


def _wait_for_runs(n: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while len(_runs()) < n and time.monotonic() < deadline:
        time.sleep(0.2)


def test_two_workers_started_twice_run_the_job_once_per_period():
    first, second = _start_worker(), _start_worker()
    outputs = []
    try:
        _wait_for_runs(3, timeout=90)
        outputs.append(_stop(first))  # a restart: the same worker, started again
        first = _start_worker()
        _wait_for_runs(len(_runs()) + 3, timeout=90)
    finally:
        outputs += [_stop(first), _stop(second)]
    runs = _runs()
    slots = [datetime.fromisoformat(run.data["slot"]) for run in runs]
    assert len(runs) >= 6, outputs
    # Exactly one run per period: no period twice, and the periods follow one grid.
    assert len(set(slots)) == len(slots), [run.data for run in runs]
    assert slots == sorted(slots)
    for earlier, later in itertools.pairwise(slots):
        assert (later - earlier) % timedelta(seconds=PERIOD) == timedelta(0)
        assert later > earlier
    # Which process wins a period is up to timing; the count is kept on the schedule's row.
    row = ScheduledJob.objects.get(name="test.probe")
    assert row.run_count == len(runs)
    assert row.last_error == ""
