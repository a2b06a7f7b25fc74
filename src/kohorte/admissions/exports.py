"""One row per application, for CSV, XLSX and JSON (staff view and `export_applications`)."""

import json

from django.utils import timezone

from kohorte.admissions.models import Document
from kohorte.admissions.queries import staff_applications
from kohorte.core import tables

COLUMNS = [
    "id",
    "status",
    "first_name",
    "last_name",
    "email",
    "authority",
    "federal_level",
    "authority_kind",
    "leadership_level",
    "complete",
    "eligible",
    "eligibility_reason",
    "referee_status",
    "submitted_at",
    "documents_sha256",
]


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
