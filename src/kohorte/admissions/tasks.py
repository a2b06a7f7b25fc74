"""Worker tasks of admissions."""

from datetime import time

from django.tasks import task

from kohorte.admissions import services
from kohorte.core.schedule import scheduled_job


@scheduled_job("admissions.send_reminders", daily_at=time(7, 0))
def run_reminders() -> dict:
    """Send due reminders; the schedule (kohorte.core.schedule) runs this daily at 07:00."""
    return services.send_due_reminders()


@task()
def send_reminders() -> dict:
    """Send due reminders now (once; the daily run is ``admissions.send_reminders``)."""
    return run_reminders()
