"""Benchmark: the selection committee (issue 5).

    uv run python bench/selection.py [--applications 2000] [--reviewers 30] [--requests 30]
    PRETALX_WORK=/tmp/ptx uv run python bench/selection.py     # also time pretalx, same run
    uv run python bench/selection.py --only-ranking --no-pretalx  # the ranking, Kohorte alone

1. The optimiser: 1,000 applicants, 25 seats, every kind of rule (engine, in process).
2. Assignment: 1,000 applications × 15 reviewers × 3 reviews (engine, in process).
3. The ranking page with 2,000 applications and 6,000 reviews, through a real server
   (gunicorn, one sync worker, production settings, SQLite), 250 rows on the page. With
   PRETALX_WORK (prepared as in ../shared/bench/pretalx/README.md: 2,000 proposals, 30
   reviewers, 3 reviews each), pretalx runs beside it (also gunicorn, one worker), and the
   rounds are interleaved: change one review, time Kohorte cold (right after the change: the
   calibration is recomputed, as on every request during the review phase), Kohorte warm,
   pretalx. p50/p95 per column, with the load average before and after.

Kohorte's pages need the front-end assets: run ``npm ci`` in the checkout first.
``--no-pretalx`` times Kohorte alone even where PRETALX_WORK is set (without PRETALX_WORK,
pretalx is never timed).
"""

import argparse
import contextlib
import os
import random
import re
import socket
import sqlite3
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


def wait(url: str):
    for _ in range(300):
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.HTTPError:
            time.sleep(0.1)
    raise RuntimeError(f"no server at {url}")


def percentiles(times: list[float]) -> tuple[float, float]:
    times = sorted(times)
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def start_kohorte(args):
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
            *("uv", "run", "--with", "gunicorn", "gunicorn", "kohorte.config.wsgi"),
            *("-w", "1", "-b", f"127.0.0.1:{port}"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    wait(f"http://127.0.0.1:{port}/healthz")
    client = httpx.Client(cookies={"sessionid": session}, timeout=60)
    base = f"http://127.0.0.1:{port}/verwaltung/auswahl/{cohort_id}/rangliste/"
    return server, client, base, data / "kohorte.sqlite3"


def change_one_review(db: Path, rng: random.Random):
    """What a reviewer does during the review phase: one submitted review changes."""
    with contextlib.closing(sqlite3.connect(db)) as con, con:
        (count,) = con.execute("SELECT count(*) FROM selection_review").fetchone()
        pk = con.execute(
            "SELECT id FROM selection_review ORDER BY id LIMIT 1 OFFSET ?",
            (rng.randrange(count),),
        ).fetchone()[0]
        con.execute(
            "UPDATE selection_review SET total = ?, updated_at = ? WHERE id = ?",
            (
                f"{rng.randint(100, 500) / 100:.2f}",
                time.strftime("%Y-%m-%d %H:%M:%S.") + f"{time.time_ns() % 10**9 // 1000:06d}",
                pk,
            ),
        )


def start_pretalx(work: Path):
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
            *("--timeout", "300"),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=(work / "gunicorn.log").open("a"),
    )
    base = f"http://127.0.0.1:{port}"
    wait(base + "/orga/login/")
    client = httpx.Client(timeout=60, follow_redirects=True)
    page = client.get(base + "/orga/login/").text
    token = re.search(r'csrfmiddlewaretoken"? type="?hidden"? value="?([A-Za-z0-9]+)', page).group(
        1
    )
    client.post(
        base + "/orga/login/",
        data={
            "csrfmiddlewaretoken": token,
            "login_email": "orga@loadcon.test",
            "login_password": "load-test-pw",
        },
        headers={"Referer": base + "/orga/login/"},
    )
    return server, client, base + "/orga/event/loadcon/reviews/"


def get_ms(client, url) -> tuple[float, int]:
    start = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - start) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, len(response.content)


def bench_ranking(args):
    """Interleaved rounds: change one review, time Kohorte cold (the first request after the
    change recomputes the calibration), Kohorte warm, then pretalx (which always computes)."""
    servers = []
    try:
        server, kohorte, url, db = start_kohorte(args)
        servers.append(server)
        url = f"{url}?per_page=250"
        pretalx = None
        if (work := os.environ.get("PRETALX_WORK")) and not args.no_pretalx:
            server, pretalx, pretalx_url = start_pretalx(Path(work))
            servers.append(server)
        for _ in range(3):
            get_ms(kohorte, url)
            if pretalx:
                get_ms(pretalx, pretalx_url)
        rng = random.Random(9)
        cold, warm, theirs = [], [], []
        load_before = os.getloadavg()
        for _ in range(args.requests):
            change_one_review(db, rng)
            cold.append(get_ms(kohorte, url)[0])
            elapsed, size = get_ms(kohorte, url)
            warm.append(elapsed)
            if pretalx:
                elapsed, their_size = get_ms(pretalx, pretalx_url)
                theirs.append(elapsed)
        load_after = os.getloadavg()
        print(
            f"{args.requests} interleaved rounds; load average before {load_before[0]:.2f}, "
            f"after {load_after[0]:.2f} (1 min), {os.cpu_count()} CPUs"
        )
        for name, times in (("kohorte ranking cold", cold), ("kohorte ranking warm", warm)):
            p50, p95 = percentiles(times)
            print(f"{name}, 250 rows: median {p50:.0f} ms, p95 {p95:.0f} ms ({size // 1024} KiB)")
        if theirs:
            p50, p95 = percentiles(theirs)
            print(
                f"pretalx review dashboard: median {p50:.0f} ms, p95 {p95:.0f} ms "
                f"({their_size // 1024} KiB)"
            )
            print(
                f"pretalx p50 / kohorte p50: cold {p50 / percentiles(cold)[0]:.1f}×, "
                f"warm {p50 / percentiles(warm)[0]:.1f}×"
            )
        else:
            print(
                "pretalx not timed (--no-pretalx, or PRETALX_WORK not set: "
                "see ../shared/bench/pretalx/README.md)"
            )
        per_page = f"{url.split('?')[0]}?per_page=50"
        p50, p95 = percentiles([get_ms(kohorte, per_page)[0] for _ in range(args.requests)])
        print(f"kohorte ranking warm, 50 rows: median {p50:.0f} ms, p95 {p95:.0f} ms")
    finally:
        for server in servers:
            server.terminate()
            server.wait()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=2000)
    parser.add_argument("--reviewers", type=int, default=30)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--only-ranking", action="store_true")
    parser.add_argument(
        "--no-pretalx", action="store_true", help="time Kohorte alone, even with PRETALX_WORK"
    )
    args = parser.parse_args()
    if not args.only_ranking:
        bench_optimiser()
        bench_assignment()
    bench_ranking(args)


if __name__ == "__main__":
    main()
