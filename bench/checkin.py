"""Benchmark: self check-in at the start of a teaching day (issue 13).

    uv run python bench/checkin.py [--participants 25] [--spread 60]
    uv run python bench/checkin.py --spread 0          # all at the same instant (a burst)
    DATABASE_URL=postgres://... uv run python bench/checkin.py

N participants of the current cohort check in with the day's code within the same minute (each
at a random moment of it, seeded; ``--spread 0`` releases all at once by a barrier, the worst
case) against `kohorte serve` (granian, production settings) on
127.0.0.1, the way a phone does after scanning the QR code: GET the check-in page with the code
in the URL, then POST it. Logging in is not part of the measure: each participant gets a session
made beforehand. Each participant then scans a second time (a replay; it must answer "bereits
eingetragen"). Afterwards the database is checked: exactly one attendance row per participant,
none lost, none duplicated. The target: p95 of the check-in POST < 300 ms.
"""

import argparse
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def kohorte(env, *args):
    subprocess.run(
        [sys.executable, "-m", "kohorte", *args], env=env, check=True, capture_output=True
    )


def prepare(env, count: int) -> tuple[str, list[str]]:
    """Enrol ``count`` participants in the current cohort, make module 1 run today, and return
    the day's code and a session key per participant."""
    code = f"""
import django; django.setup()
from datetime import time, timedelta
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from kohorte.accounts.models import User
from kohorte.catalog.models import Cohort, Session
from kohorte.teaching import services
cohort = Cohort.objects.get(slug="jahrgang-2")
run = cohort.runs.get(module__number=1)
today = timezone.localdate()
run.sessions.all().delete()
run.starts_on, run.ends_on = today, today + timedelta(days=2)
run.save(update_fields=["starts_on", "ends_on"])
day = Session.objects.create(run=run, date=today, starts_at=time(9), ends_at=time(17))
keys = []
for i in range({count}):
    user = User(email=f"checkin{{i}}@verwaltung.example", first_name="Check", last_name=str(i))
    user.set_unusable_password(); user.save()
    services.enrol_participant(cohort, user)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create(); keys.append(s.session_key)
print(services.checkin_code(day), " ".join(keys))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    day_code, *keys = out.stdout.split()
    return day_code, keys


def check_in(url, key, code, barrier, delay, posts, gets, answers, errors):
    client = httpx.Client(
        base_url=url, cookies={"sessionid": key}, timeout=30, follow_redirects=False
    )
    barrier.wait()
    time.sleep(delay)
    for _round in range(2):  # the scan, then a replay
        t = time.perf_counter()
        page = client.get("/mein-programm/anwesenheit/", params={"code": code})
        gets.append(time.perf_counter() - t)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        t = time.perf_counter()
        response = client.post(
            "/mein-programm/anwesenheit/",
            data={"code": code, "csrfmiddlewaretoken": token},
            headers={"Referer": url + "/mein-programm/anwesenheit/"},
        )
        posts.append(time.perf_counter() - t)
        if response.status_code != 302:
            errors.append(f"{response.status_code} POST")
            continue
        follow = client.get(response.headers["location"]).text
        answers.append(
            "bereits eingetragen" if "Sie sind bereits eingetragen" in follow else "eingetragen"
        )


def p95(values):
    return sorted(values)[max(0, int(len(values) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--participants", type=int, default=25)
    parser.add_argument(
        "--spread", type=float, default=60, help="seconds over which they arrive (0: a burst)"
    )
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="kohorte-checkin-"))
    port = free_port()
    env = {
        **os.environ,
        "KOHORTE_ENV": "demo",
        "KOHORTE_DATA_DIR": str(data),
        "SECRET_KEY": "checkin-" + "k9Zq" * 16,
        "ALLOWED_HOSTS": "127.0.0.1",
        "KOHORTE_SSL_REDIRECT": "0",
        "KOHORTE_SMTP_URL": "smtp://127.0.0.1:9",
        "DJANGO_SETTINGS_MODULE": "kohorte.config.settings",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
    }
    kohorte(env, "manage", "migrate", "-v", "0")
    kohorte(env, "manage", "collectstatic", "--noinput", "-v", "0")
    kohorte(env, "manage", "load_catalog")
    code, keys = prepare(env, args.participants)
    server = subprocess.Popen(
        [sys.executable, "-m", "kohorte", "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    posts, gets, answers, errors = [], [], [], []
    try:
        for _ in range(1200):  # up to two minutes on a loaded machine
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        httpx.get(url + "/", timeout=10)  # warm the workers once
        barrier = threading.Barrier(len(keys))
        rng = random.Random(13)
        delays = [rng.uniform(0, args.spread) for _ in keys]
        start = time.perf_counter()
        with ThreadPoolExecutor(len(keys)) as pool:
            list(
                pool.map(
                    lambda kd: check_in(
                        url, kd[0], code, barrier, kd[1], posts, gets, answers, errors
                    ),
                    zip(keys, delays, strict=True),
                )
            )
        total = time.perf_counter() - start
        counts = subprocess.run(
            [
                sys.executable,
                "-c",
                """
import django; django.setup()
from django.db.models import Count
from kohorte.teaching.models import Attendance
rows = Attendance.objects.all()
print(rows.count(), rows.values("session", "participation").annotate(n=Count("id"))
      .filter(n__gt=1).count(), rows.values("participation").distinct().count())
""",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)
    db = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    n = args.participants
    print(
        f"\nDatabase: {db}; {n} participants "
        + (f"arriving within {args.spread:g} s" if args.spread else "released at once")
        + f", granian with 2 workers; load average {load}\n"
    )
    print("| figure | result | target |")
    print("|---|---:|---:|")
    print(f"| all {n} scanned twice (GET + POST each) | {total:.1f} s | within a minute |")
    print(
        f"| check-in POST, {len(posts)} requests | p50 {statistics.median(posts) * 1000:.0f} ms, "
        f"p95 {p95(posts) * 1000:.0f} ms | p95 < 300 ms |"
    )
    print(
        f"| check-in page GET, {len(gets)} requests | p50 {statistics.median(gets) * 1000:.0f} "
        f"ms, p95 {p95(gets) * 1000:.0f} ms | – |"
    )
    print(f"| errors | {len(errors)} | 0 |")
    first, replay = answers.count("eingetragen"), answers.count("bereits eingetragen")
    print(f"| answers: marked / already recorded | {first} / {replay} | {n} / {n} |")
    print(
        f"| attendance rows / duplicated / distinct participants | {counts[0]} / {counts[1]} / "
        f"{counts[2]} | {n} / 0 / {n} |"
    )


if __name__ == "__main__":
    main()
