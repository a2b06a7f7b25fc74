"""Worker tasks. They take ids, load objects and call a service."""

from datetime import timedelta

from django.tasks import task

from kohorte.comms import delivery, services
from kohorte.core.schedule import scheduled_job


@scheduled_job("comms.deliver_outbox", every=timedelta(minutes=1))
def deliver_now() -> dict:
    """Send what is due. The schedule runs this every minute, so that retries that came due and
    mails left "sending" by a dead worker go out; a new mail does not wait for it: queueing one
    enqueues ``deliver_outbox`` on commit."""
    report = delivery.deliver_due()
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}


@task()
def deliver_outbox() -> dict:
    return deliver_now()


@task()
def release_scheduled_batch(batch_id: int) -> bool:
    return services.release_due_batch(batch_id)


def enqueue_delivery(run_after=None) -> None:
    (deliver_outbox.using(run_after=run_after) if run_after else deliver_outbox).enqueue()


def enqueue_release(batch_id: int, run_after) -> None:
    release_scheduled_batch.using(run_after=run_after).enqueue(batch_id)
