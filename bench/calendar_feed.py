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
import statistics
import time

import httpx
from _site import database_line, p95, served_site

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
    times = []
    with served_site("calendar", PREPARE) as (base, (token,)):
        url = f"{base}/kalender/{token}.ics"
        with httpx.Client(timeout=30) as client:
            first = client.get(url)
            assert first.status_code == 200, first.status_code
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
    body = response.text
    sessions = body.count("UID:session-")
    talks = body.count("UID:event-")
    print(database_line())
    print("| figure | result | target |")
    print("|---|---:|---:|")
    print(
        f"| feed of a cohort year ({sessions} teaching days, {talks} talks, "
        f"{len(response.content) // 1024} KiB), {len(times)} requests | "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms | p95 < 50 ms |"
    )


if __name__ == "__main__":
    main()
