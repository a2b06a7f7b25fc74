"""A periodic job for tests/core/test_schedule_workers.py, loaded by the worker processes
through KOHORTE_SCHEDULE_MODULES: every run writes one audit row naming its period."""

import os
from datetime import timedelta

from kohorte.core.audit import log_action
from kohorte.core.schedule import current_slot, scheduled_job

PROBE_SECONDS = float(os.environ.get("KOHORTE_PROBE_SECONDS", "2"))


@scheduled_job("test.probe", every=timedelta(seconds=PROBE_SECONDS), lease=timedelta(seconds=30))
def probe() -> None:
    log_action("schedule.probe", data={"slot": current_slot().isoformat(), "pid": os.getpid()})
