"""Benchmark: the staff completion matrix of a cohort (issue 14).

    uv run python bench/completion_matrix.py [--participants 250] [--requests 60]
    DATABASE_URL=postgres://... uv run python bench/completion_matrix.py

A cohort of 250 participants and its six module runs (four mandatory, two electives with a
place each): an assessment per run, every grade published (about one in twelve failed, so that
verdicts differ), attendance recorded for three teaching days per run, a third of the people
already decided "completed". The programme team opens `/verwaltung/abschluss/<cohort>/`
through the real server (`kohorte serve`, granian, production settings) on 127.0.0.1, one
request after the other. The number of SQL queries per page is counted too (it must not depend
on the number of participants). The target: p95 < 150 ms.
"""

import argparse
import statistics
import time

import httpx
from _site import database_line, p95, served_site

PREPARE = """
import django; django.setup()
import random
from datetime import time, timedelta
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kohorte.accounts.models import Membership, User
from kohorte.assessments.models import Assessment, Completion, Submission
from kohorte.catalog.models import Cohort, Session
from kohorte.teaching.models import Attendance, ElectivePlace, Participation

N = {participants}
rng = random.Random(14)
cohort = Cohort.objects.get(slug="jahrgang-1")
runs = list(cohort.runs.select_related("module").order_by("starts_on"))
electives = [r for r in runs if r.module.kind != "mandatory"]
staff = User.objects.create_user("team@bench.example", "x", is_staff=True)
Membership.objects.create(user=staff, role="staff", program=cohort.program)
users = User.objects.bulk_create(
    [User(email=f"p{{i}}@bund.example", first_name="Person", last_name=f"{{i:03d}}") for i in range(N)]
)
people = Participation.objects.bulk_create([Participation(cohort=cohort, user=u) for u in users])
ElectivePlace.objects.bulk_create(
    [ElectivePlace(participation=p, run=electives[i % len(electives)], source="staff")
     for i, p in enumerate(people)]
)
now = timezone.now()
subs, marks = [], []
for run in runs:
    a = Assessment.objects.create(
        run=run, kind="paper", task="t", due_at=now - timedelta(days=30), grading="passed",
        ects=run.module.ects, status="published", published_at=now - timedelta(days=5),
    )
    takers = people if run.module.kind == "mandatory" else [
        p for i, p in enumerate(people) if electives[i % len(electives)] == run
    ]
    for n, p in enumerate(takers):
        subs.append(Submission(
            assessment=a, participation=p, candidate_number=1000 + n, status="published",
            grade="failed" if rng.random() < 0.08 else "passed", published_at=a.published_at,
        ))
    days = list(Session.objects.filter(run=run).order_by("date")[:3])
    for day in days:
        for p in takers:
            marks.append(Attendance(
                session=day, participation=p, source="staff", recorded_at=now,
                status="absent" if rng.random() < 0.1 else "present",
            ))
Submission.objects.bulk_create(subs)
Attendance.objects.bulk_create(marks)
Completion.objects.bulk_create(
    [Completion(participation=p, rule_met=True, ects=15, completed_on=now.date(), decided_by=staff)
     for p in people[: N // 3]]
)
client = Client()
client.force_login(staff)
with CaptureQueriesContext(connection) as queries:
    assert client.get(f"/verwaltung/abschluss/{{cohort.pk}}/").status_code == 200
s = SessionStore()
s[SESSION_KEY] = str(staff.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = staff.get_session_auth_hash()
s.create()
print(cohort.pk, len(queries), s.session_key)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=250)
    parser.add_argument("--requests", type=int, default=60)
    args = parser.parse_args()
    times = []
    prepare = PREPARE.format(participants=args.participants)
    with served_site("completion", prepare, hosts="127.0.0.1,testserver") as (base, prepared):
        cohort_id, queries, key = prepared
        url = f"{base}/verwaltung/abschluss/{cohort_id}/"
        with httpx.Client(timeout=30, cookies={"sessionid": key}) as client:
            first = client.get(url)
            assert first.status_code == 200, first.status_code
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200
    rows = response.text.count('<tr class="kern-table__row">') - 1
    print(database_line())
    print("| figure | result | target |")
    print("|---|---:|---:|")
    print(
        f"| completion matrix, {rows} participants × 6 module runs "
        f"({len(response.content) // 1024} KiB, {queries} queries), {len(times)} requests | "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms | p95 < 150 ms |"
    )


if __name__ == "__main__":
    main()
