"""Worker tasks of events."""

from datetime import time

from kohorte.core.schedule import scheduled_job
from kohorte.events import services


@scheduled_job("events.remind_registrants", daily_at=time(9, 0))
def run_event_reminders() -> int:
    """Send the reminders for tomorrow's events; the schedule runs this daily."""
    return services.send_event_reminders()
