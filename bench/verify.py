"""Benchmark: the public verification page of a certificate (issue 15), and the status list.

    uv run python bench/verify.py [--requests 200]
    DATABASE_URL=postgres://... uv run python bench/verify.py

An HR office opens the address in a certificate's QR code: ``/zertifikate/pruefen/<id>/``, and a
wallet fetches the revocation list ``/zertifikate/status/1`` (a signed Bitstring Status List
credential, cached for a minute). Both are requested through the real server (`kohorte serve`,
granian, production settings) on 127.0.0.1, one request after the other. The target: the
verification page's p95 < 50 ms.
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
from django.utils import timezone
from kohorte.accounts.models import User
from kohorte.assessments.models import Completion
from kohorte.catalog.models import Cohort
from kohorte.credentials.models import Certificate
from kohorte.credentials.ob3 import attach_credential
from kohorte.teaching import services
cohort = Cohort.objects.get(slug="jahrgang-1")
import secrets
email = f"pruefung-{secrets.token_hex(4)}@verwaltung.example"  # a database used before keeps its rows
user = User(email=email, first_name="Petra", last_name="Prüfling")
user.set_unusable_password(); user.save()
participation = services.enrol_participant(cohort, user)
completion = Completion.objects.create(
    participation=participation, rule_met=True, ects=15, completed_on=cohort.ends_on
)
certificate = Certificate.objects.create(
    participation=participation, completion=completion, holder_name="Petra Prüfling",
    issued_at=timezone.now(),
)
attach_credential(certificate)
print(certificate.verification_id)
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="kohorte-verify-"))
    port = free_port()
    env = {
        **os.environ,
        "KOHORTE_ENV": "demo",
        "KOHORTE_DATA_DIR": str(data),
        "SECRET_KEY": "verify-" + "k9Zq" * 16,
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
    url = f"http://127.0.0.1:{port}/zertifikate/pruefen/{token}/"
    status_url = f"http://127.0.0.1:{port}/zertifikate/status/1"
    times, status_times = [], []
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
                assert "Petra Prüfling" in response.text
            for _ in range(args.requests):
                start = time.perf_counter()
                listed = client.get(status_url)
                status_times.append((time.perf_counter() - start) * 1000)
                assert listed.status_code == 200
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)
    times.sort()
    status_times.sort()

    def p95(values):
        return values[max(0, int(len(values) * 0.95) - 1)]

    db = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nDatabase: {db}; granian, 1 worker; load average {load}\n")
    print("| figure | result | target |")
    print("|---|---:|---:|")
    print(
        f"| verification page of a certificate, {len(times)} requests | "
        f"p50 {statistics.median(times):.1f} ms, p95 {p95(times):.1f} ms | p95 < 50 ms |"
    )
    print(
        f"| status list (signed, 131,072 entries), {len(status_times)} requests | "
        f"p50 {statistics.median(status_times):.1f} ms, p95 {p95(status_times):.1f} ms | – |"
    )


if __name__ == "__main__":
    main()
