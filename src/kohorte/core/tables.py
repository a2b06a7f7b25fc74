"""Tables for download: CSV (semicolons, UTF-8 with BOM, as German Excel opens it) and XLSX.

Text cells that a spreadsheet would run as a formula are neutralised (CSV/XLSX injection)."""

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


def response(data: list[dict], columns: list[str], fmt: str, filename: str, title: str):
    """The table as a download: ``fmt`` is "csv" or "xlsx" (anything else: 404)."""
    from django.http import Http404, HttpResponse

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
