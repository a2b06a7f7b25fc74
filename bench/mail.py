"""Benchmark: the outbox (issue 3).

    uv run python bench/mail.py [--recipients 1000] [--rows 10000]

In a temporary data folder (SQLite) or on DATABASE_URL if set:
1. enqueue a bulk send to N recipients (render + insert), timed;
2. one worker delivering those mails to a local aiosmtpd on 127.0.0.1, timed (mails/s);
3. the staff outbox list with --rows rows: 200 requests over pages, filters and searches through
   the full Django stack (test client, logged-in staff), p50/p95 and the query count.
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def setup_django(data_dir: Path) -> None:
    os.environ["KOHORTE_DATA_DIR"] = str(data_dir)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kohorte.config.settings")
    subprocess.run([sys.executable, "-m", "kohorte", "manage", "migrate", "-v", "0"], check=True)
    import django

    django.setup()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--recipients", type=int, default=1000)
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    setup_django(Path(tempfile.mkdtemp(prefix="kohorte-mailbench-")))

    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from kohorte.accounts.models import User
    from kohorte.comms import delivery, services
    from kohorte.comms.models import OutboxMessage
    from kohorte.core.mailurl import mailers_from_url

    setup_test_environment()
    staff = User.objects.create_user("bench-staff@example.org", "x", is_staff=True)
    User.objects.bulk_create(
        [
            User(email=f"person{i}@example.org", first_name="Person", last_name=str(i))
            for i in range(args.recipients - 1)
        ]
    )

    start = time.perf_counter()
    batch = services.create_batch(
        segment_key="accounts:all",
        subject="Hinweis für {{ recipient_name }}",
        body_text="Guten Tag {{ recipient_name }},\n\ndies ist eine Nachricht an {{ recipient_email }}.",
        category="news",
        action="send",
        actor=staff,
    )
    enqueue_s = time.perf_counter() - start
    assert batch.messages.count() == args.recipients

    class Count:
        n = 0

        async def handle_DATA(self, server, session, envelope):
            Count.n += 1
            return "250 OK"

    port = 20000 + os.getpid() % 20000
    controller = Controller(Count(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{port}", None)
    start = time.perf_counter()
    report = delivery.deliver_due()
    deliver_s = time.perf_counter() - start
    controller.stop()
    assert report.sent == args.recipients == Count.n, (report, Count.n)

    # Fill the outbox to --rows rows.
    existing = OutboxMessage.objects.count()
    template = OutboxMessage.objects.first()
    rows = []
    for i in range(args.rows - existing):
        rows.append(
            OutboxMessage(
                recipient_email=f"filler{i}@example.org",
                recipient_name=f"Filler {i}",
                language="de",
                event_key="account.password_reset",
                category="transactional",
                subject=f"Passwort zurücksetzen {i}",
                body_text=template.body_text,
                state=["sent", "queued", "failed", "held"][i % 4],
                message_id=f"<filler{i}@bench>",
                idempotency_key=f"filler:{i}",
            )
        )
    OutboxMessage.objects.bulk_create(rows, batch_size=1000)
    client = Client()
    client.force_login(staff)
    urls = [f"/verwaltung/postausgang/?seite={p}" for p in (1, 2, 50, 100, 199, 200)] + [
        "/verwaltung/postausgang/?state=failed",
        "/verwaltung/postausgang/?q=filler77",
        "/verwaltung/postausgang/?state=sent&seite=30",
    ]
    timings, queries = [], set()
    for i in range(200):
        url = urls[i % len(urls)]
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            response = client.get(url)
            timings.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
        queries.add(len(ctx.captured_queries))
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"\nDatabase: {connection.vendor}\n")
    print("| figure | result | target |")
    print("|---|---:|---:|")
    print(f"| enqueue a bulk send to {args.recipients:,} recipients | {enqueue_s:.2f} s | < 5 s |")
    print(
        f"| one worker to aiosmtpd on 127.0.0.1 | {args.recipients / deliver_s:,.0f} mails/s "
        f"({args.recipients:,} in {deliver_s:.1f} s) | ≥ 50 mails/s |"
    )
    print(
        f"| staff outbox list, {OutboxMessage.objects.count():,} rows, 200 requests | "
        f"p50 {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms | p95 < 150 ms |"
    )
    print(f"| queries per outbox list request | {sorted(queries)} | constant |")


if __name__ == "__main__":
    main()
