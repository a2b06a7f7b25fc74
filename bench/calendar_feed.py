"""Benchmark: a participant's private calendar feed for a whole cohort year (issue 13).

    uv run python bench/calendar_feed.py [--requests 200]
    DATABASE_URL=postgres://... uv run python bench/calendar_feed.py

A participant of the 2024 cohort (the brochure's: six modules of three days each, mandatory and
elective) who chose every elective and a registration for every talk of the programme
subscribes to her feed; a calendar program then fetches it. The feed is requested through the
real server (`kohorte serve`, granian, production settings) on 127.0.0.1, one request after the
other, and the events in it are counted. The target: p95 < 50 ms.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


PREPARE = """
import django; django.setup()
from kohorte.accounts.models import User
from kohorte.catalog.models import Cohort, Event
from kohorte.events.models import EventSettings, Registration
from kohorte.teaching import services
from kohorte.teaching.models import ElectiveChoice
cohort = Cohort.objects.get(slug="jahrgang-1")
user = User(email="kalender@verwaltung.example", first_name="Kalla", last_name="Kalender")
user.set_unusable_password(); user.save()
participation = services.enrol_participant(cohort, user)
for rank, run in enumerate(services.elective_runs(cohort), start=1):
    ElectiveChoice.objects.create(participation=participation, run=run, rank=rank)
for event in Event.objects.filter(program=cohort.program):
    EventSettings.objects.get_or_create(event=event, defaults={"registration_open": True})
    Registration.objects.create(
        event=event, user=user, name="Kalla Kalender", email=user.email, kind="participant",
        status="confirmed",
    )
print(services.create_calendar_link(participation, actor=user))
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="kohorte-calendar-"))
    port = free_port()
    env = {
        **os.environ,
        "KOHORTE_ENV": "demo",
        "KOHORTE_DATA_DIR": str(data),
        "SECRET_KEY": "calendar-" + "k9Zq" * 16,
        "ALLOWED_HOSTS": "127.0.0.1",
        "KOHORTE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "kohorte.config.settings",
    }
    run = lambda *a: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "kohorte", *a], env=env, check=True, capture_output=True
    )
    run("manage", "migrate", "-v", "0")
    run("manage", "collectstatic", "--noinput", "-v", "0")
    run("manage", "load_catalog")
    token = subprocess.run(
        [sys.executable, "-c", PREPARE], env=env, check=True, capture_output=True, text=True
    ).stdout.split()[-1]
    server = subprocess.Popen(
        [sys.executable, "-m", "kohorte", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/kalender/{token}.ics"
    times = []
    try:
        for _ in range(600):
            try:
                httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        with httpx.Client(timeout=30) as client:
            first = client.get(url)
            assert first.status_code == 200, first.status_code
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)
    body = response.text
    sessions = body.count("UID:session-")
    talks = body.count("UID:event-")
    times.sort()
    p95 = times[max(0, int(len(times) * 0.95) - 1)]
    db = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nDatabase: {db}; granian, 1 worker; load average {load}\n")
    print("| figure | result | target |")
    print("|---|---:|---:|")
    print(
        f"| feed of a cohort year ({sessions} teaching days, {talks} talks, "
        f"{len(response.content) // 1024} KiB), {len(times)} requests | "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95:.1f} ms | p95 < 50 ms |"
    )


if __name__ == "__main__":
    main()
