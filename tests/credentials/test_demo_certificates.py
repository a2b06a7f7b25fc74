"""The certificate demo: completers hold certificates, one re-issued, one revoked; the demo
prints one valid certificate's verification URL."""

import time

import pytest

from kohorte.credentials.models import Certificate
from kohorte.demo.certificates import demo_verification_url, load_certificates_demo
from tests.credentials.conftest import make_completed

pytestmark = pytest.mark.django_db


def test_demo_certificates(issuer_dir, past_cohort, team):
    for i, (first, last) in enumerate([("Anna", "A"), ("Bert", "B"), ("Cora", "C")]):
        make_completed(past_cohort, f"p{i}@bund.example", first, last, staff=team)
    started = time.monotonic()
    load_certificates_demo(past_cohort.program, team)
    print(f"certificate demo step: {time.monotonic() - started:.1f} s for 3 completers")
    states = sorted(Certificate.objects.values_list("status", "version"))
    assert states == [("revoked", 1), ("superseded", 1), ("valid", 1), ("valid", 2)]
    revoked = Certificate.objects.get(status="revoked")
    assert revoked.revoked_reason and revoked.revoked_by == team
    url = demo_verification_url()
    valid_ids = set(
        Certificate.objects.filter(status="valid").values_list("verification_id", flat=True)
    )
    assert url.rsplit("/", 2)[-2] in valid_ids
    load_certificates_demo(past_cohort.program, team)  # idempotent
    assert Certificate.objects.count() == 4
