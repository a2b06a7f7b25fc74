"""Worker tasks of assessments."""

from datetime import timedelta

from kohorte.assessments import services
from kohorte.core.schedule import scheduled_job


@scheduled_job("assessments.publish_grades", every=timedelta(minutes=15))
def run_publication() -> int:
    """Publish the grades whose publication time has come."""
    return services.publish_due_grades()
