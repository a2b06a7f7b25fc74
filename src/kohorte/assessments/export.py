"""The EMPA credit record: every published module grade of a cohort, for an examination
office to import (XLSX, and CSV for systems that read text).

One row per participant and module with a published result (``module_results``: the grade that
counts). German headers, grades with a decimal comma ("1,3"), dates as "20.11.2026".

CSV choice: UTF-8 with a byte-order mark and ";" as separator. German Excel opens such a file
with a double click with umlauts intact and splits the columns (it expects ";" because "," is the
decimal separator); LibreOffice and import scripts read it as plain UTF-8 CSV.
"""

import csv
import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.utils import timezone

from kohorte.assessments.results import module_results
from kohorte.catalog.models import ModuleRun
from kohorte.core.tables import safe
from kohorte.teaching.models import Participation

HEADERS = [
    "Nachname",
    "Vorname",
    "E-Mail",
    "Geburtsdatum",
    "Programm",
    "Jahrgang",
    "Modulnummer",
    "Modul",
    "ECTS",
    "ECTS Annahme",
    "Note",
    "bestanden",
    "Versuch",
    "Datum",
    "Prüfer:innen",
]


@dataclass(frozen=True)
class CreditRow:
    last_name: str
    first_name: str
    email: str
    date_of_birth: date | None
    program: str
    cohort: str
    module_number: int
    module: str
    ects: Decimal
    ects_is_assumption: bool
    grade: str  # "1,3" / "bestanden"
    passed: bool
    attempt: int
    graded_on: date | None
    assessors: str

    def cells(self) -> list:
        """The row for XLSX: numbers as numbers, the date as a date, the grade as text; text
        that a spreadsheet would run as a formula (a name "=HYPERLINK(…)") is neutralised."""
        cells = [
            self.last_name,
            self.first_name,
            self.email,
            self.date_of_birth,
            self.program,
            self.cohort,
            self.module_number,
            self.module,
            float(self.ects),
            "ja" if self.ects_is_assumption else "nein",
            self.grade,
            "ja" if self.passed else "nein",
            self.attempt,
            self.graded_on,
            self.assessors,
        ]
        return [safe(cell) for cell in cells]

    def text(self) -> list[str]:
        """The row for CSV, in German formats."""
        cells = self.cells()
        cells[3] = _german_date(self.date_of_birth)
        cells[8] = _german_number(self.ects)
        cells[13] = _german_date(self.graded_on)
        return [str(c) for c in cells]


def _german_date(value: date | None) -> str:
    return value.strftime("%d.%m.%Y") if value else ""


def _german_number(value: Decimal) -> str:
    text = f"{value.normalize():f}" if value == value.to_integral() else f"{value:f}"
    return text.replace(".", ",")


def credit_rows(cohort) -> list[CreditRow]:
    """The cohort's published results, by participant (last name) and module number.
    A constant number of queries."""
    participations = list(
        Participation.objects.filter(cohort=cohort)
        .select_related("user", "cohort__program")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    results = module_results([p.pk for p in participations])
    runs = {run.pk: run for run in ModuleRun.objects.filter(cohort=cohort).select_related("module")}
    rows = []
    for p in participations:
        for result in sorted(
            results.get(p.pk, {}).values(), key=lambda r: runs[r.run_id].module.number
        ):
            module = runs[result.run_id].module
            rows.append(
                CreditRow(
                    last_name=p.user.last_name,
                    first_name=p.user.first_name,
                    email=p.user.email,
                    date_of_birth=getattr(p.user, "date_of_birth", None),
                    program=getattr(cohort.program, "title_de", "") or cohort.program.title,
                    cohort=getattr(cohort, "name_de", "") or cohort.name,
                    module_number=module.number,
                    module=getattr(module, "title_de", "") or module.title,
                    ects=result.ects,
                    ects_is_assumption=result.ects_is_assumption,
                    grade=_grade_de(result.grade),
                    passed=result.passed,
                    attempt=result.attempt,
                    graded_on=timezone.localdate(result.published_at)
                    if result.published_at
                    else None,
                    assessors=", ".join(result.markers),
                )
            )
    return rows


def _grade_de(code: str) -> str:
    return {"passed": "bestanden", "failed": "nicht bestanden"}.get(code, code.replace(".", ","))


def credits_csv(cohort) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(HEADERS)
    for row in credit_rows(cohort):
        writer.writerow(row.text())
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def credits_xlsx(cohort) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Anrechnung"
    sheet.append(HEADERS)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in credit_rows(cohort):
        sheet.append(row.cells())
        number = sheet.max_row
        for column in ("D", "N"):
            sheet[f"{column}{number}"].number_format = "DD.MM.YYYY"
        sheet[f"I{number}"].number_format = "0.0"
    sheet.freeze_panes = "A2"
    for column, width in zip(  # noqa: B905 (both fifteen long)
        "ABCDEFGHIJKLMNO", (18, 16, 28, 13, 40, 18, 8, 45, 7, 8, 12, 10, 8, 12, 30)
    ):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def filename(cohort, extension: str) -> str:
    return f"anrechnung-{cohort.slug}.{extension}"
