"""Benchmark: the selection committee (issue 5).

    uv run python bench/selection.py [--applications 2000] [--reviewers 30] [--requests 30]
    PRETALX_WORK=/tmp/ptx uv run python bench/selection.py     # also time pretalx, same run

1. The optimiser: 1,000 applicants, 25 seats, every kind of rule (engine, in process).
2. Assignment: 1,000 applications × 15 reviewers × 3 reviews (engine, in process).
3. The ranking page with 2,000 applications and 6,000 reviews, through a real server
   (gunicorn, one sync worker, production settings, SQLite), 250 rows on the page, p50/p95
   over sequential requests after a warm-up. With PRETALX_WORK (prepared as in
   ../shared/bench/pretalx/README.md: 2,000 proposals, 30 reviewers, 3 reviews each), pretalx's
   review dashboard is timed the same way, on the same machine, in the same run.
"""

import argparse
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from kohorte.selection.engine import assignment, cohort


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def timed(fn, rounds=5):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def bench_optimiser():
    rng = random.Random(1)
    levels = ["bund", "land", "kommune"]
    applicants = [
        cohort.Applicant(
            f"a{i}",
            round(rng.uniform(1, 5), 2),
            rng.choice(levels),
            f"Behörde {rng.randrange(300)}",
            rng.choice(["female", "male", "diverse", None]),
            rng.random() > 0.1,
            "in" if i in (3, 17) else ("out" if i in (5, 8) else None),
        )
        for i in range(1000)
    ]
    rules = cohort.Constraints(
        seats=25,
        level_min={"bund": 6, "land": 6, "kommune": 6},
        level_max={"kommune": 9, "bund": 10},
        max_per_authority=1,
        gender_min={"female": 10, "male": 8},
        gender_max={"male": 14},
    )
    result, times = timed(lambda: cohort.solve(applicants, rules, seed=7))
    print(
        f"optimiser 1000 applicants, 25 seats, all rules: median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms (feasible={result.feasible}, binding={result.binding})"
    )
    _explained, times = timed(lambda: cohort.explain(applicants, rules, result), rounds=1)
    print(f"  explanations for all 1000 (background task): {times[0]:.1f} s")


def bench_assignment():
    apps = [f"a{i}" for i in range(1000)]
    reviewers = [f"r{j}" for j in range(15)]
    rng = random.Random(2)
    conflicts = {(a, r) for a in apps for r in reviewers if rng.random() < 0.03}
    problem = assignment.Problem(apps, reviewers, 3, {}, conflicts, set(), seed=3)
    plan, times = timed(lambda: assignment.assign(problem))
    loads = plan.loads.values()
    print(
        f"assignment 1000 × 15 × 3 (3 % conflicts): median {statistics.median(times) * 1000:.0f} ms, "
        f"max {max(times) * 1000:.0f} ms (loads {min(loads)}–{max(loads)}, connected={plan.connected})"
    )


SEED = """
import django, random; django.setup()
from datetime import timedelta
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from kohorte.accounts.models import User
from kohorte.admissions.models import Application
from kohorte.catalog.models import Cohort
from kohorte.selection.engine.assignment import Problem, assign
from kohorte.selection.models import Assignment, CommitteeMember, Review, Score
from kohorte.selection.services import weighted_total
from kohorte.selection.setup import setup_cohort
N, R = {applications}, {reviewers}
rng = random.Random(4)
c = Cohort.objects.get(slug="jahrgang-2"); setup_cohort(c)
levels = ["bund", "land", "kommune"]
users = User.objects.bulk_create([User(email=f"b{{i}}@verwaltung.example", first_name="Vor", last_name=f"Name{{i}}", password="!") for i in range(N)], batch_size=1000)
now = timezone.now()
apps = Application.objects.bulk_create([Application(cohort=c, applicant=u, status="submitted", first_name="Vor", last_name=u.last_name,
    authority=f"Behörde {{rng.randrange(400)}}", federal_level=rng.choice(levels), authority_kind="obere", leadership_level=3,
    gender=rng.choice(["female", "male", ""]), submitted_at=now, is_complete=True, is_eligible=True) for u in users], batch_size=1000)
revs = User.objects.bulk_create([User(email=f"r{{j}}@example.org", first_name="Rev", last_name=str(j), password="!") for j in range(R)])
for u in revs: CommitteeMember.objects.create(cohort=c, user=u)
plan = assign(Problem([a.pk for a in apps], [u.pk for u in revs], 3, seed=1))
assignments = Assignment.objects.bulk_create([Assignment(application_id=a, reviewer_id=r) for a, r in sorted(plan.pairs)], batch_size=2000)
criteria = list(c.criteria.all())
reviews, values = [], []
for a in assignments:
    v = {{cr.pk: rng.randint(1, 5) for cr in criteria}}
    reviews.append(Review(assignment=a, confidence=2, total=weighted_total(v, criteria), submitted_at=now)); values.append(v)
reviews = Review.objects.bulk_create(reviews, batch_size=2000)
Score.objects.bulk_create([Score(review=rv, criterion=cr, value=v[cr.pk]) for rv, v in zip(reviews, values) for cr in criteria], batch_size=5000)
staff = User(email="bench-staff@example.org", is_staff=True, is_superuser=True); staff.set_unusable_password(); staff.save()
s = SessionStore(); s[SESSION_KEY] = str(staff.pk); s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = staff.get_session_auth_hash(); s.create()
print(c.pk, s.session_key, Review.objects.count())
"""


def measure(client: httpx.Client, url: str, requests: int) -> tuple[float, float, int]:
    for _ in range(3):
        client.get(url)
    times = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, response.status_code
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return statistics.median(times), p95, len(response.content)


def wait(url: str):
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"no server at {url}")


def bench_ranking(args):
    data = Path(tempfile.mkdtemp(prefix="kohorte-selection-"))
    port = free_port()
    env = {
        **os.environ,
        "KOHORTE_ENV": "demo",  # production code; cookies without Secure for plain HTTP
        "KOHORTE_DATA_DIR": str(data),
        "SECRET_KEY": "bench-" + "k9Zq" * 16,
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
    start = time.perf_counter()
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            SEED.format(applications=args.applications, reviewers=args.reviewers),
        ],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    cohort_id, session, reviews = out[0], out[1], out[2]
    print(
        f"seeded {args.applications} applications, {reviews} reviews in {time.perf_counter() - start:.1f} s"
    )
    server = subprocess.Popen(
        [
            "uv",
            "run",
            "--with",
            "gunicorn",
            "gunicorn",
            "kohorte.config.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait(f"http://127.0.0.1:{port}/healthz")
        client = httpx.Client(cookies={"sessionid": session}, timeout=60)
        base = f"http://127.0.0.1:{port}/verwaltung/auswahl/{cohort_id}/rangliste/"
        results = {}
        for rows in (250, 50):
            p50, p95, size = measure(client, f"{base}?per_page={rows}", args.requests)
            results[rows] = p95
            print(
                f"kohorte ranking, {rows} rows: median {p50:.0f} ms, p95 {p95:.0f} ms ({size // 1024} KiB)"
            )
    finally:
        server.terminate()
        server.wait()
    return results


def bench_pretalx(args, work: Path):
    port = free_port()
    env = {**os.environ, "PRETALX_CONFIG_FILE": str(work / "pretalx.cfg")}
    env.pop("DJANGO_SETTINGS_MODULE", None)
    config = (work / "pretalx.cfg").read_text()
    (work / "pretalx.cfg").write_text(
        re.sub(r"url = http://127.0.0.1:\d+", f"url = http://127.0.0.1:{port}", config)
    )
    server = subprocess.Popen(
        [
            str(work / "venv" / "bin" / "gunicorn"),
            "pretalx.wsgi",
            "-w",
            "1",
            "-b",
            f"127.0.0.1:{port}",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        wait(base + "/orga/login/")
        client = httpx.Client(timeout=60, follow_redirects=True)
        page = client.get(base + "/orga/login/").text
        token = re.search(
            r'csrfmiddlewaretoken"? type="?hidden"? value="?([A-Za-z0-9]+)', page
        ).group(1)
        client.post(
            base + "/orga/login/",
            data={
                "csrfmiddlewaretoken": token,
                "login_email": "orga@loadcon.test",
                "login_password": "load-test-pw",
            },
            headers={"Referer": base + "/orga/login/"},
        )
        p50, p95, size = measure(client, base + "/orga/event/loadcon/reviews/", args.requests)
        print(
            f"pretalx review dashboard: median {p50:.0f} ms, p95 {p95:.0f} ms ({size // 1024} KiB)"
        )
        return p95
    finally:
        server.terminate()
        server.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=30)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    bench_optimiser()
    bench_assignment()
    ours = bench_ranking(args)
    work = os.environ.get("PRETALX_WORK")
    if work:
        theirs = bench_pretalx(args, Path(work))
        print(f"pretalx p95 / kohorte p95 at 250 rows: {theirs / ours[250]:.1f}×")
    else:
        print("PRETALX_WORK not set: pretalx not timed (see ../shared/bench/pretalx/README.md)")


if __name__ == "__main__":
    main()
