"""Benchmark: the deadline rush (issue 4).

    uv run python bench/deadline_rush.py [--applicants 300] [--concurrency 16] [--workers 2]
    DATABASE_URL=postgres://... uv run python bench/deadline_rush.py

N applicants each fill in and submit a complete application with three PDFs of about 500 KB
against `kohorte serve` (granian, production settings) on 127.0.0.1. Logging in is not part of
the measure: each applicant gets a session made beforehand. Afterwards the database is checked:
every application submitted exactly once, every file present once with the hash that was sent.
Then the staff list with all applications is timed (p95) through the same server.
"""

import argparse
import hashlib
import io
import os
import random
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pikepdf

BASE = "/ki-data-science/jahrgaenge/jahrgang-2/bewerben/"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pdf_of_size(size: int, pages: int, seed: int) -> bytes:
    """A valid PDF of about ``size`` bytes (random, incompressible image-like data)."""
    pdf = pikepdf.new()
    for _ in range(pages):
        pdf.add_blank_page(page_size=(595, 842))
    rng = random.Random(seed)
    pdf.Root.BenchPayload = pdf.make_stream(rng.randbytes(size))
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def kohorte(env, *args):
    subprocess.run(
        [sys.executable, "-m", "kohorte", *args], env=env, check=True, capture_output=True
    )


def prepare(env, count: int) -> list[str]:
    """Create the applicants and a session for each; return the session keys."""
    code = f"""
import django; django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from kohorte.accounts.models import User
keys = []
for i in range({count}):
    user = User(email=f"rush{{i}}@verwaltung.example", first_name="Rush", last_name=str(i))
    user.set_unusable_password(); user.save()
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create(); keys.append(s.session_key)
print(" ".join(keys))
"""
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    )
    return out.stdout.split()


class Applicant:
    def __init__(self, url, session_key, files, timings, errors):
        self.client = httpx.Client(
            base_url=url, cookies={"sessionid": session_key}, timeout=30, follow_redirects=False
        )
        self.files, self.timings, self.errors = files, timings, errors

    def _request(self, method, path, **kwargs):
        start = time.perf_counter()
        response = self.client.request(method, path, **kwargs)
        self.timings.append(time.perf_counter() - start)
        if response.status_code >= 500:
            self.errors.append(f"{response.status_code} {method} {path}")
        return response

    def token(self, path):
        html = self._request("GET", path).text
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    def run(self, i):
        token = self.token(BASE + "person/")
        headers = {"X-CSRFToken": token, "Referer": str(self.client.base_url)}
        post = lambda path, **kw: self._request("POST", path, headers=headers, **kw)  # noqa: E731
        post(
            BASE + "person/",
            data={"first_name": "Rush", "last_name": str(i), "csrfmiddlewaretoken": token},
        )
        post(
            BASE + "employer/",
            data={
                "authority": f"Behörde {i}",
                "federal_level": "bund",
                "authority_kind": "oberste",
                "unit_kind": "fachreferat",
                "csrfmiddlewaretoken": token,
            },
        )
        post(
            BASE + "position/",
            data={
                "job_title": "Referatsleitung",
                "leadership_level": "3",
                "team_size": "10",
                "ai_involvement": "KI-Projekt",
                "csrfmiddlewaretoken": token,
            },
        )
        for kind, content in self.files.items():
            post(
                BASE + "unterlagen/",
                data={"action": "upload", "kind": kind, "csrfmiddlewaretoken": token},
                files={f"{kind}-file": (f"{kind}.pdf", content, "application/pdf")},
            )
        post(BASE + "pruefen/", data={"csrfmiddlewaretoken": token})


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applicants", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="kohorte-rush-"))
    port = free_port()
    # KOHORTE_ENV=demo: production code and server, but cookies without the Secure flag, which
    # plain HTTP on loopback needs; everything else is as in production.
    env = {
        **os.environ,
        "KOHORTE_ENV": "demo",
        "KOHORTE_DATA_DIR": str(data),
        "SECRET_KEY": "rush-" + "k9Zq" * 16,
        "ALLOWED_HOSTS": "127.0.0.1",
        "KOHORTE_SSL_REDIRECT": "0",
        "KOHORTE_SMTP_URL": "smtp://127.0.0.1:9",
        "DJANGO_SETTINGS_MODULE": "kohorte.config.settings",
        "CSRF_TRUSTED_ORIGINS": f"http://127.0.0.1:{port}",
    }
    kohorte(env, "manage", "migrate", "-v", "0")
    kohorte(env, "manage", "collectstatic", "--noinput", "-v", "0")
    kohorte(env, "manage", "load_catalog")
    keys = prepare(env, args.applicants)
    files = {
        "cv": pdf_of_size(500_000, 1, 1),
        "motivation_letter": pdf_of_size(500_000, 2, 2),
        "recommendation_letter": pdf_of_size(500_000, 1, 3),
    }
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "kohorte",
            "serve",
            "--port",
            str(port),
            "--workers",
            str(args.workers),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(url + "/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        timings, errors = [], []
        start = time.perf_counter()
        with ThreadPoolExecutor(args.concurrency) as pool:
            list(
                pool.map(
                    lambda ik: Applicant(url, ik[1], files, timings, errors).run(ik[0]),
                    enumerate(keys),
                )
            )
        total = time.perf_counter() - start
        check = subprocess.run(
            [
                sys.executable,
                "-c",
                f"""
import django; django.setup()
from kohorte.admissions.models import Application, Document
from django.db.models import Count
apps = Application.objects.all()
print(apps.count(), apps.filter(status="submitted").count(),
      Document.objects.filter(is_current=True).count(),
      Document.objects.values("application", "kind").annotate(n=Count("id")).filter(n__gt=1).count(),
      sorted(set(Document.objects.values_list("sha256", flat=True))) == sorted({{
          {", ".join(repr(hashlib.sha256(c).hexdigest()) for c in files.values())}}}))
""",
            ],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        # The staff list, filled up to 1,000 applications.
        fill_to(env, 1000)
        staff_key = prepare_staff(env)
        staff = httpx.Client(base_url=url, cookies={"sessionid": staff_key}, timeout=30)
        cohort_path = staff.get("/verwaltung/bewerbungen/").text
        list_url = re.search(r'href="(/verwaltung/bewerbungen/\d+/)"', cohort_path).group(1)
        staff_times = []
        for page in range(1, 61):
            t = time.perf_counter()
            response = staff.get(list_url, params={"seite": page % 7 + 1, "sort": "name"})
            staff_times.append(time.perf_counter() - t)
            assert response.status_code == 200
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)
    timings.sort()
    staff_times.sort()
    db = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    print(
        f"\nDatabase: {db}; {args.applicants} applicants, {args.concurrency} at a time, "
        f"granian with {args.workers} workers\n"
    )
    print("| figure | result | target |")
    print("|---|---:|---:|")
    print(f"| all applicants filled in and submitted | {total:.1f} s | ≤ 60 s |")
    print(
        f"| requests | {len(timings):,} (p50 {statistics.median(timings) * 1000:.0f} ms, "
        f"p95 {timings[int(len(timings) * 0.95) - 1] * 1000:.0f} ms) | p95 < 1 s |"
    )
    print(f"| 5xx responses | {len(errors)} | 0 |")
    print(
        f"| applications / submitted / current documents | {check[0]} / {check[1]} / "
        f"{check[2]} | {args.applicants} / {args.applicants} / {3 * args.applicants} |"
    )
    print(f"| duplicated documents; hashes as sent | {check[3]}; {check[4]} | 0; True |")
    print(
        f"| staff list, 1,000 applications, 60 requests | p95 "
        f"{staff_times[int(len(staff_times) * 0.95) - 1] * 1000:.0f} ms | < 150 ms |"
    )


def fill_to(env, total: int) -> None:
    code = f"""
import django; django.setup()
from kohorte.accounts.models import User
from kohorte.admissions.models import Application
from kohorte.catalog.models import Cohort
cohort = Cohort.objects.get(slug="jahrgang-2")
missing = {total} - Application.objects.filter(cohort=cohort).count()
users = User.objects.bulk_create([User(email=f"fill{{i}}@verwaltung.example", password="!")
                                  for i in range(missing)])
Application.objects.bulk_create([
    Application(cohort=cohort, applicant=u, first_name="Fill", last_name=str(i),
                authority=f"Amt {{i}}", federal_level=["bund", "land", "kommune"][i % 3],
                leadership_level=i % 6) for i, u in enumerate(users)])
"""
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True)


def prepare_staff(env) -> str:
    code = """
import django; django.setup()
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from kohorte.accounts.models import User
user = User(email="rush-staff@example.org", is_staff=True, is_superuser=True)
user.set_unusable_password(); user.save()
s = SessionStore()
s[SESSION_KEY] = str(user.pk)
s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
s[HASH_SESSION_KEY] = user.get_session_auth_hash()
s.create(); print(s.session_key)
"""
    return subprocess.run(
        [sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()


if __name__ == "__main__":
    main()
