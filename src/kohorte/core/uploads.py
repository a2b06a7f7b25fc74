"""Upload checks and private files.

``check_pdf`` decides by content, never by name: the file is parsed with pikepdf (qpdf). It
refuses, each with its own message, what is not a PDF, what is encrypted, what carries
JavaScript, launch actions or embedded files, what is too large, and a page count outside the
allowed range. ``store_private`` writes the checked bytes under a random name in private storage,
atomically (the storage writes a temporary file and renames it), and ``private_file_response``
serves a file only to code that has already checked permission.
"""

import hashlib
import io
import re
import secrets
import unicodedata
from dataclasses import dataclass

import pikepdf
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PDF_MAGIC = b"%PDF-"
ACTION_TYPES = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/Rendition"}


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    sha256: str
    size: int
    pages: int
    filename: str


def sanitize_filename(name: str, default: str = "dokument.pdf") -> str:
    """A name safe to show and to offer for download: no path, no control characters."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1]
    name = re.sub(r"[\x00-\x1f\x7f]", "", name)
    name = re.sub(r"[^\w .()\-]", "_", name).strip(" .")
    if not name:
        return default
    stem, dot, ext = name.rpartition(".")
    if not dot or ext.lower() != "pdf":
        stem, ext = name, "pdf"
    return f"{stem[:120]}.{ext.lower()}"


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def _active_content(pdf: pikepdf.Pdf) -> str | None:
    """The kind of active or embedded content the PDF carries, or None."""
    root = pdf.Root
    names = root.get("/Names")
    if names is not None:
        if "/JavaScript" in names:
            return "javascript"
        if "/EmbeddedFiles" in names:
            return "embedded"
    if "/AA" in root:
        return "javascript"
    for obj in pdf.objects:
        if not isinstance(obj, pikepdf.Dictionary):
            continue
        if "/JS" in obj:
            return "javascript"
        action = obj.get("/S")
        if action is not None and str(action) in ACTION_TYPES:
            return "launch" if str(action) == "/Launch" else "javascript"
        if "/EF" in obj or obj.get("/Subtype") == pikepdf.Name.FileAttachment:
            return "embedded"
        if obj.get("/Type") == pikepdf.Name.Page and "/AA" in obj:
            return "javascript"
    return None


def check_pdf(
    uploaded, *, max_bytes: int, min_pages: int | None = None, max_pages: int | None = None
) -> CheckedPdf:
    """Read an uploaded file and return it if it is an acceptable PDF; else ValidationError."""
    size = getattr(uploaded, "size", None)
    if size is not None and size > max_bytes:
        _too_large(max_bytes)
    chunks, total, digest = [], 0, hashlib.sha256()
    for chunk in uploaded.chunks() if hasattr(uploaded, "chunks") else [uploaded.read()]:
        total += len(chunk)
        if total > max_bytes:
            _too_large(max_bytes)
        digest.update(chunk)
        chunks.append(chunk)
    content = b"".join(chunks)
    if not content:
        _refuse(_("Die Datei ist leer."), "empty")
    header = content.find(PDF_MAGIC, 0, 1024)
    if header < 0 or content[:header].strip():  # e.g. HTML or an executable posing as PDF
        _refuse(_("Die Datei ist kein PDF. Bitte laden Sie ein PDF-Dokument hoch."), "not_pdf")
    try:
        with pikepdf.open(io.BytesIO(content)) as pdf:
            if pdf.is_encrypted:
                _refuse(_encrypted(), "encrypted")
            active = _active_content(pdf)
            pages = len(pdf.pages)
    except pikepdf.PasswordError:
        _refuse(_encrypted(), "encrypted")
    except pikepdf.PdfError:
        _refuse(_("Die PDF-Datei ist beschädigt und kann nicht gelesen werden."), "damaged")
    if active == "javascript":
        _refuse(
            _(
                "Die PDF-Datei enthält JavaScript. Bitte speichern Sie sie ohne aktive "
                "Inhalte, zum Beispiel über „Drucken als PDF“."
            ),
            "javascript",
        )
    if active == "launch":
        _refuse(
            _(
                "Die PDF-Datei enthält eine Aktion, die Programme startet. Bitte speichern "
                "Sie sie ohne aktive Inhalte."
            ),
            "launch",
        )
    if active == "embedded":
        _refuse(
            _(
                "Die PDF-Datei enthält eingebettete Dateien. Bitte laden Sie ein PDF ohne "
                "Anhänge hoch."
            ),
            "embedded",
        )
    if (min_pages is not None and pages < min_pages) or (
        max_pages is not None and pages > max_pages
    ):
        _refuse(_page_message(pages, min_pages, max_pages), "pages")
    name = sanitize_filename(getattr(uploaded, "name", ""))
    return CheckedPdf(content, digest.hexdigest(), len(content), pages, name)


def _encrypted() -> str:
    return _(
        "Die PDF-Datei ist verschlüsselt oder passwortgeschützt. Bitte laden Sie eine "
        "Fassung ohne Schutz hoch."
    )


def _too_large(max_bytes: int):
    _refuse(
        _("Die Datei ist zu groß. Erlaubt sind höchstens %(mb)s MB.")
        % {"mb": f"{max_bytes / 1_048_576:g}".replace(".", ",")},
        "too_large",
    )


def _page_message(pages: int, low: int | None, high: int | None) -> str:
    has = ngettext("Das Dokument hat %(n)d Seite.", "Das Dokument hat %(n)d Seiten.", pages) % {
        "n": pages
    }
    if low is not None and high is not None:
        wanted = _("Erlaubt sind %(low)d bis %(high)d Seiten.") % {"low": low, "high": high}
    elif low is not None:
        wanted = _("Erforderlich sind mindestens %(low)d Seiten.") % {"low": low}
    else:
        wanted = _("Erlaubt sind höchstens %(high)d Seiten.") % {"high": high}
    return f"{has} {wanted}"


def store_private(checked: CheckedPdf, folder: str) -> str:
    """Save under a random name in private storage; return the storage name."""
    name = f"{folder}/{secrets.token_urlsafe(24)}.pdf"
    return default_storage.save(name, ContentFile(checked.content))


def private_file_response(name: str, filename: str, *, inline: bool = False) -> FileResponse:
    """Serve a private file. The caller has checked permission."""
    response = FileResponse(
        default_storage.open(name, "rb"),
        as_attachment=not inline,
        filename=filename,
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response["Cache-Control"] = "private, no-store"
    return response
