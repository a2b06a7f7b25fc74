"""Tables for download: CSV (semicolons, UTF-8 with BOM, as German Excel opens it) and XLSX.

Text cells that a spreadsheet would run as a formula are neutralised (CSV/XLSX injection).

A table for people has column headers in words and values as words ("eingereicht", "ja"); the
machine-readable variant of the same table ("….codes.csv", labelled "maschinenlesbar (Codes)"
on the page) keeps the column codes and stored values, for scripts that read it."""

import csv
import io


def safe(value):
    """Neutralise spreadsheet formulas in text cells."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def as_csv(data: list[dict], columns: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, delimiter=";")
    writer.writeheader()
    for row in data:
        writer.writerow({k: safe(v) for k, v in row.items()})
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly


def as_xlsx(data: list[dict], columns: list[str], title: str) -> bytes:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append(columns)
    for row in data:
        sheet.append([safe(row[c]) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class Columns(list):
    """Column codes (the list) with a header in words per code and, where a stored value is a
    code or a flag, how it reads for people (``display[code](value) -> str``)."""

    def __init__(self, labels: dict, display: dict | None = None):
        super().__init__(labels)
        self.labels = labels
        self.display = display or {}

    def for_people(self, data: list[dict]) -> tuple[list[str], list[dict]]:
        headers = [str(self.labels[c]) for c in self]
        rows = [
            {
                str(self.labels[c]): self.display[c](row[c]) if c in self.display else row[c]
                for c in self
            }
            for row in data
        ]
        return headers, rows


MACHINE = "codes."  # the format prefix of the machine-readable variant: "codes.csv"


def response(data: list[dict], columns: list[str], fmt: str, filename: str, title: str):
    """The table as a download: ``fmt`` is "csv" or "xlsx", or "codes.csv"/"codes.xlsx" for the
    machine-readable variant of a table with ``Columns`` (anything else: 404)."""
    from django.http import Http404, HttpResponse

    if fmt.startswith(MACHINE) and isinstance(columns, Columns):
        fmt, filename = fmt.removeprefix(MACHINE), f"{filename}-codes"
    elif isinstance(columns, Columns):
        columns, data = columns.for_people(data)
    if fmt == "csv":
        content, mime = as_csv(data, columns), "text/csv; charset=utf-8"
    elif fmt == "xlsx":
        content = as_xlsx(data, columns, title)
        mime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        raise Http404
    result = HttpResponse(content, content_type=mime)
    result["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return result
