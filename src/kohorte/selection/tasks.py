"""Worker tasks of selection."""

from datetime import timedelta

from django.tasks import task

from kohorte.core.schedule import scheduled_job
from kohorte.selection import services


@task()
def explain_proposal(proposal_id: int) -> int:
    return services.explain(proposal_id).progress


@scheduled_job("selection.expire_offers", every=timedelta(hours=1))
def run_expire_offers() -> int:
    """Mark offers past their deadline as expired; the schedule runs this hourly."""
    return services.expire_offers()


@task()
def expire_offers() -> int:
    """Expire offers now (once; the hourly run is ``selection.expire_offers``)."""
    return run_expire_offers()
