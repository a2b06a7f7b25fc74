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
import statistics
import time

import httpx
from _site import database_line, p95, served_site

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
    times, status_times = [], []
    with served_site("verify", PREPARE) as (base, (token,)):
        url = f"{base}/zertifikate/pruefen/{token}/"
        status_url = f"{base}/zertifikate/status/1"
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
    print(database_line())
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
