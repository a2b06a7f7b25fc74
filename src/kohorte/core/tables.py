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
