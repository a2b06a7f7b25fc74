"""Worker tasks of selection."""

from datetime import timedelta

from django.tasks import task
from django.utils import timezone

from kohorte.selection import optimiser, services


@task()
def explain_proposal(proposal_id: int) -> int:
    return optimiser.explain(proposal_id).progress


@task()
def expire_offers() -> int:
    """Mark offers past their deadline as expired, then wake again in an hour."""
    count = services.expire_offers()
    expire_offers.using(run_after=timezone.now() + timedelta(hours=1)).enqueue()
    return count
