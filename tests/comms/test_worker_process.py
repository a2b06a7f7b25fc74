"""A real worker process: the SMTP server is down, the worker restarts, nothing is lost."""

import os
import subprocess
import sys

import pytest
from aiosmtpd.controller import Controller
from django.db import connection

from kohorte.comms import services
from kohorte.comms.models import OutboxMessage
from tests.factories import RecordingHandler

pytestmark = pytest.mark.django_db(transaction=True)


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _run_worker(smtp_port: int) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "KOHORTE_SMTP_URL": f"smtp://127.0.0.1:{smtp_port}?timeout=3",
        "KOHORTE_MAIL_RETRY_BASE_SECONDS": "0",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, "-m", "kohorte", "worker", "--batch", "--no-startup-delay", "--no-reload"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_mails_survive_worker_restart_while_smtp_is_down(smtp_port):
    for i in range(3):
        services.queue_mail(
            "account.password_reset",
            to=f"p{i}@example.org",
            context={"password_reset_url": f"https://k.example.org/r/{i}"},
            idempotency_key=f"reset:{i}",
        )
    first = _run_worker(smtp_port)  # nothing listens on smtp_port
    assert first.returncode == 0, first.stderr
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"queued"}
    assert "ConnectionRefusedError" in OutboxMessage.objects.order_by("-attempts")[0].last_error

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        second = _run_worker(smtp_port)  # a new worker process: the restart
    finally:
        controller.stop()
    assert second.returncode == 0, second.stderr
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sent"}
    assert sorted(m["To"] for m in handler.messages) == [
        "p0@example.org",
        "p1@example.org",
        "p2@example.org",
    ]
    assert len(set(handler.message_ids())) == 3
