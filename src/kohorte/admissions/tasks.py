"""Worker tasks of admissions."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from kohorte.admissions import services


@task()
def send_reminders() -> dict:
    """Send due reminders, then wake again in a day."""
    counts = services.send_due_reminders()
    send_reminders.using(run_after=timezone.now() + timedelta(days=1)).enqueue()
    return counts
