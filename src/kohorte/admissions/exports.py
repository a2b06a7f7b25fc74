"""One row per application, for CSV, XLSX and JSON (staff view and `export_applications`)."""

import csv
import io
import json

from django.utils import timezone

from kohorte.admissions.models import Document
from kohorte.admissions.queries import staff_applications

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


def _safe(value):
    """Neutralise spreadsheet formulas in text cells (CSV/XLSX injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(data: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, delimiter=";")
    writer.writeheader()
    for row in data:
        writer.writerow({k: _safe(v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def as_xlsx(data: list[dict]) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Bewerbungen"
    sheet.append(COLUMNS)
    for row in data:
        sheet.append([_safe(row[c]) for c in COLUMNS])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def as_json(data: list[dict]) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()
