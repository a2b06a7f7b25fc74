"""Worker tasks of credentials. They take ids, load objects and call a service."""

from django.tasks import task

from kohorte.credentials import issuance


@task()
def issue_batch(batch_id: int) -> dict:
    """Issue the certificates of one bulk issue (``issuance.start_issuance`` enqueues it)."""
    batch = issuance.run_batch(batch_id)
    return {"status": batch.status, "done": batch.done, "total": batch.total}
