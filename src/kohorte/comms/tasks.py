"""Worker tasks. They take ids, load objects and call a service."""

from django.tasks import task

from kohorte.comms import delivery, services


@task()
def deliver_outbox() -> dict:
    report = delivery.deliver_due()
    return {"sent": report.sent, "retried": report.retried, "failed": report.failed}


@task()
def release_scheduled_batch(batch_id: int) -> bool:
    return services.release_due_batch(batch_id)


def enqueue_delivery(run_after=None) -> None:
    (deliver_outbox.using(run_after=run_after) if run_after else deliver_outbox).enqueue()


def enqueue_release(batch_id: int, run_after) -> None:
    release_scheduled_batch.using(run_after=run_after).enqueue(batch_id)
