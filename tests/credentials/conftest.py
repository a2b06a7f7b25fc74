"""A local issuer in a temporary data folder, a small real PDF, and tools to check signatures."""

import subprocess
import sys
from pathlib import Path

import pytest
from weasyprint import HTML

from kohorte.core import issuer
from kohorte.core.signing import sign_pdf

# Nothing listens here: a validator that tries the CRL distribution point gets no answer and
# must use the revocation information embedded in the PDF.
DEAD_BASE_URL = "http://127.0.0.1:9"
PYHANKO = str(Path(sys.executable).parent / "pyhanko")
PDFSIG = "/usr/bin/pdfsig"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KOHORTE_BASE_URL = DEAD_BASE_URL
    return tmp_path


@pytest.fixture
def issuer_dir(data_dir):
    issuer.setup_issuer()
    return data_dir / "issuer"


@pytest.fixture(scope="session")
def plain_pdf() -> bytes:
    html = (
        '<html lang="de"><head><title>Zertifikat</title></head><body>'
        "<h1>Zertifikat</h1><p>Erika Musterfrau hat das Programm abgeschlossen.</p>"
        "</body></html>"
    )
    return HTML(string=html).write_pdf()


@pytest.fixture
def signed_pdf(issuer_dir, plain_pdf, tmp_path) -> Path:
    path = tmp_path / "zertifikat.pdf"
    path.write_bytes(sign_pdf(plain_pdf, reason="Zertifikat", location="Berlin"))
    return path


@pytest.fixture
def tamper():
    return _tamper


def _tamper(signed: Path) -> Path:
    """Change one byte inside the first signed byte range (the binary comment of the header,
    so that the file still parses) and write the result next to it."""
    data = bytearray(signed.read_bytes())
    position = data.index(b"\n") + 2
    data[position] ^= 0x01
    path = signed.with_name("manipuliert.pdf")
    path.write_bytes(bytes(data))
    return path


@pytest.fixture
def nss_db(issuer_dir, tmp_path) -> str:
    """An NSS database that trusts the local CA, for poppler's pdfsig."""
    folder = tmp_path / "nss"
    folder.mkdir()
    db = f"sql:{folder}"
    subprocess.run(["certutil", "-N", "-d", db, "--empty-password"], check=True)
    ca = str(issuer_dir / issuer.CA_CERT)
    subprocess.run(
        ["certutil", "-A", "-d", db, "-n", "kohorte-ca", "-t", "CT,C,C", "-i", ca], check=True
    )
    return db


@pytest.fixture
def tool():
    """Run a third-party command line tool (pyhanko, pdfsig) and return its result."""

    def run(name: str, *args: str) -> subprocess.CompletedProcess:
        program = {"pyhanko": PYHANKO, "pdfsig": PDFSIG}[name]
        return subprocess.run(
            [program, *args], capture_output=True, text=True, timeout=120, check=False
        )

    return run


@pytest.fixture
def ca_cert(issuer_dir):
    from pyhanko.keys import load_cert_from_pemder

    return load_cert_from_pemder(issuer_dir / issuer.CA_CERT)


# --- A participant who completed the programme (for the certificate and its issue) -----------


def make_completed(cohort, email, first, last, *, staff, grades=("1.3", "2.0"), language="de"):
    """Enrol a participant, publish passing grades in the cohort's first mandatory runs and take
    the completion decision; return the participation."""
    from datetime import date, timedelta

    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from kohorte.assessments.models import Assessment, Completion, Submission
    from kohorte.catalog.models import Module, ModuleRun
    from kohorte.teaching.services import enrol_participant

    user = get_user_model().objects.create_user(
        email, "x", first_name=first, last_name=last, preferred_language=language
    )
    participation = enrol_participant(cohort, user, actor=staff)
    runs = ModuleRun.objects.filter(cohort=cohort, module__kind=Module.Kind.MANDATORY).order_by(
        "starts_on"
    )
    for index, (run, grade) in enumerate(zip(runs, grades, strict=False)):
        assessment = Assessment.objects.filter(run=run, attempt=1).first()
        if assessment is None:
            assessment = Assessment.objects.create(
                run=run,
                kind="paper",
                task="Analysieren Sie einen Anwendungsfall.",
                due_at=timezone.now() - timedelta(days=30),
                ects=run.module.ects or 3,
                ects_is_assumption=index == 1,
                grading=Module.Grading.GRADE_DE,
            )
        Submission.objects.create(
            assessment=assessment,
            participation=participation,
            candidate_number=participation.pk * 10 + index,
            status=Submission.Status.PUBLISHED,
            grade=grade,
            published_at=timezone.now(),
        )
    Completion.objects.create(
        participation=participation,
        rule_met=True,
        ects=6,
        completed_on=date(2025, 6, 27),
        decided_by=staff,
    )
    return participation


@pytest.fixture
def team(db, demo_catalog, django_user_model):
    from kohorte.accounts.models import Membership
    from kohorte.catalog.models import Cohort

    cohort = Cohort.objects.get(slug="jahrgang-1")
    user = django_user_model.objects.create_user(
        "team@example.org", "x", is_staff=True, first_name="Tina", last_name="Team"
    )
    Membership.objects.create(user=user, role="staff", program=cohort.program)
    return user


@pytest.fixture
def past_cohort(team):
    from kohorte.catalog.models import Cohort

    return Cohort.objects.select_related("program").get(slug="jahrgang-1")


@pytest.fixture
def completed(issuer_dir, past_cohort, team):
    return make_completed(past_cohort, "erika@bund.example", "Erika", "Musterfrau", staff=team)
