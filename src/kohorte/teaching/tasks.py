"""Worker tasks of teaching."""

from datetime import time

from kohorte.core.schedule import scheduled_job
from kohorte.teaching import services


@scheduled_job("teaching.remind_supervisors", daily_at=time(7, 30))
def run_release_reminders() -> int:
    """Remind supervisors who have not confirmed a release; the schedule runs this daily."""
    return services.send_release_reminders()
