"""The certificate PDF: tagged (PDF/UA-1), in the programme's design (KERN's Fira Sans), in the
holder's language, with a QR code of the verification URL; signed by the issuer (PAdES).

What it says, and where each value comes from:

- the holder's name as issued (``Certificate.holder_name``), the programme (title, kind of
  degree), the cohort;
- the passed modules with their ECTS points, read through ``assessments.results.module_results``
  (THE reading of the grade that counts); points that the programme has not confirmed
  (``ects_is_assumption``) are marked and explained in a footnote; the total is their sum;
- the issuer: the programme's organisers (``Organisation``, role "organiser");
- the ceremony: the catalogue has no ceremony event, so the rule is **the last day and place
  of the cohort's last module run** (the brochure's "Abschlussseminar und
  Zertifikatsverleihung" is that run); an online last run gives the date without a place;
- the verification number and URL in words, and as a QR code; the URL is also written into the
  PDF's metadata (``/Subject`` and ``/Keywords``) for readers (the upload check finds a
  certificate by the file's SHA-256 only, see ``verify.py``).
"""

from dataclasses import dataclass
from decimal import Decimal

import segno
from django.utils import translation

from kohorte.core.pdf import render_pdf
from kohorte.core.signing import sign_pdf
from kohorte.credentials.ob3 import verification_url

TEMPLATE = "credentials/certificate_pdf.html"


@dataclass(frozen=True)
class ModuleLine:
    number: int
    title: str
    ects: Decimal
    ects_is_assumption: bool


@dataclass(frozen=True)
class Ceremony:
    date: object
    place: str


def ceremony(cohort) -> Ceremony | None:
    """The last day and place of the cohort's last module run (see the module docstring)."""
    from kohorte.catalog.models import ModuleRun

    run = (
        ModuleRun.objects.filter(cohort=cohort)
        .select_related("location")
        .order_by("-ends_on", "-pk")
        .first()
    )
    if run is None:
        return None
    return Ceremony(run.ends_on, "" if run.is_online or not run.location else run.location.city)


def issuer_name(program) -> str:
    names = [o.name for o in program.organisations.all() if o.role == "organiser"]
    return " · ".join(names) or program.title


def module_lines(participation, results=None) -> list[ModuleLine]:
    """The passed modules in the programme's order (results: the participation's entry of
    ``module_results``; read here when not given)."""
    from kohorte.assessments.results import module_results
    from kohorte.catalog.models import Module

    if results is None:
        results = module_results([participation.pk]).get(participation.pk, {})
    passed = {module_id: r for module_id, r in results.items() if r.passed}
    modules = Module.objects.filter(pk__in=passed).order_by("number")
    return [
        ModuleLine(m.number, m.title, passed[m.pk].ects, passed[m.pk].ects_is_assumption)
        for m in modules
    ]


def qr_data_uri(url: str) -> str:
    return segno.make(url, error="m").png_data_uri(scale=8, border=2)


def certificate_context(certificate, results=None) -> dict:
    participation = certificate.participation
    cohort = participation.cohort
    program = cohort.program
    modules = module_lines(participation, results)
    url = verification_url(certificate.verification_id)
    return {
        "certificate": certificate,
        "language": certificate.language,
        "program": program,
        "cohort": cohort,
        "issuer": issuer_name(program),
        "modules": modules,
        "total_ects": sum((m.ects for m in modules), Decimal("0")),
        "any_assumption": any(m.ects_is_assumption for m in modules),
        "ceremony": ceremony(cohort),
        "verification_url": url,
        "qr": qr_data_uri(url),
    }


def render_certificate_pdf(certificate, results=None) -> bytes:
    """The unsigned, tagged PDF in the certificate's language."""
    with translation.override(certificate.language):
        return render_pdf(TEMPLATE, certificate_context(certificate, results))


def signed_certificate_pdf(certificate, results=None, *, signer=None) -> bytes:
    """The PDF signed by the issuer (PAdES; chain and CRL embedded)."""
    pdf = render_certificate_pdf(certificate, results)
    with translation.override(certificate.language):
        program = certificate.participation.cohort.program
        cer = ceremony(certificate.participation.cohort)
        reason = translation.gettext("Zertifikat: %(program)s") % {"program": program.title}
    return sign_pdf(pdf, reason=reason, location=(cer.place if cer else "") or "", signer=signer)
