"""One row per application, for CSV, XLSX and JSON (staff view and `export_applications`)."""

import json

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from kohorte.admissions.models import (
    Application,
    AuthorityKind,
    Document,
    FederalLevel,
    RefereeRequest,
)
from kohorte.admissions.queries import staff_applications
from kohorte.core import tables


def _label(choices):
    return lambda code: str(dict(choices).get(code, code)) if code else ""


def _yes_no(value):
    return gettext("ja") if value else gettext("nein")


def _when(value):
    return formats.date_format(parse_datetime(value), "DATETIME_FORMAT") if value else ""


# The codes stay the machine-readable headers (``export_applications``, "codes.csv"); the
# download for people reads German (or English) headers and words.
COLUMNS = tables.Columns(
    {
        "id": _("Kennung"),
        "status": _("Status"),
        "first_name": _("Vorname"),
        "last_name": _("Nachname"),
        "email": _("E-Mail"),
        "authority": _("Behörde"),
        "federal_level": _("Verwaltungsebene"),
        "authority_kind": _("Art der Behörde"),
        "leadership_level": _("Führungsebene"),
        "complete": _("vollständig"),
        "eligible": _("Voraussetzungen erfüllt"),
        "eligibility_reason": _("Hinweise zu den Voraussetzungen"),
        "referee_status": _("Empfehlungsschreiben"),
        "submitted_at": _("eingereicht am"),
        "documents_sha256": _("Unterlagen (SHA-256)"),
    },
    display={
        "status": _label(Application.Status.choices),
        "federal_level": _label(FederalLevel.choices),
        "authority_kind": _label(AuthorityKind.choices),
        "complete": _yes_no,
        "eligible": _yes_no,
        "referee_status": _label(RefereeRequest.Status.choices),
        "submitted_at": _when,
    },
)


def rows(cohort, filters=None) -> list[dict]:
    applications = list(staff_applications(cohort, filters or {}))
    hashes: dict[int, list[str]] = {}
    for doc in Document.objects.filter(application__in=applications, is_current=True).order_by(
        "kind"
    ):
        hashes.setdefault(doc.application_id, []).append(f"{doc.kind}:{doc.sha256}")
    return [
        {
            "id": str(a.uuid),
            "status": a.status,
            "first_name": a.first_name,
            "last_name": a.last_name,
            "email": a.applicant.email,
            "authority": a.authority,
            "federal_level": a.federal_level,
            "authority_kind": a.authority_kind,
            "leadership_level": a.get_leadership_level_display()
            if a.leadership_level is not None
            else "",
            "complete": a.is_complete,
            "eligible": a.is_eligible,
            "eligibility_reason": "; ".join(a.eligibility_problems),
            "referee_status": a.referee_status or "",
            "submitted_at": timezone.localtime(a.submitted_at).isoformat()
            if a.submitted_at
            else "",
            "documents_sha256": " ".join(hashes.get(a.pk, [])),
        }
        for a in applications
    ]


def as_csv(data: list[dict]) -> bytes:
    return tables.as_csv(data, COLUMNS)


def as_xlsx(data: list[dict]) -> bytes:
    return tables.as_xlsx(data, COLUMNS, "Bewerbungen")


def as_json(data: list[dict]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()
