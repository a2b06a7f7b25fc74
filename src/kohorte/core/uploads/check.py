"""``check_pdf``: decide by content whether an upload is an acceptable PDF, and say why not.

The size is checked first, then the header, then the page count and the object walk
(pdfcheck.py); each refusal has its own message and code. Also the safe download name
(``sanitize_filename``) and the page limit of a document kind (``max_pages_for``).
"""

import hashlib
import io
import re
import unicodedata
from dataclasses import dataclass

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kohorte.core.uploads.pdfcheck import (
    _SEVERITY,
    _Budget,
    _count_pages,
    _Damaged,
    _declared_objects,
    _scan,
    _TooComplex,
    _TooManyPages,
)

PDF_MAGIC = b"%PDF-"


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


def max_pages_for(kind: str, rule_max: int | None = None) -> int:
    """The most pages a document of ``kind`` may have: the cohort's rule if it sets one, else
    the default for the kind, never more than the absolute maximum."""
    absolute = settings.KOHORTE_PDF_MAX_PAGES
    default = settings.KOHORTE_PDF_DEFAULT_MAX_PAGES.get(kind, absolute)
    return min(rule_max if rule_max is not None else default, absolute)


def _refuse(message: str, code: str):
    raise ValidationError(message, code=code)


def check_pdf(
    uploaded, *, max_bytes: int, min_pages: int | None = None, max_pages: int | None = None
) -> CheckedPdf:
    """Read an uploaded file and return it if it is an acceptable PDF; else ValidationError.

    ``max_pages`` is capped at ``KOHORTE_PDF_MAX_PAGES``, which also applies when it is None.
    """
    max_pages = min(
        max_pages if max_pages is not None else settings.KOHORTE_PDF_MAX_PAGES,
        settings.KOHORTE_PDF_MAX_PAGES,
    )
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
    budget = _Budget(settings.KOHORTE_PDF_MAX_NODES, settings.KOHORTE_PDF_CHECK_SECONDS)
    try:
        if _declared_objects(content) > settings.KOHORTE_PDF_MAX_OBJECTS:
            raise _TooComplex
        # inherit_page_attributes=False: qpdf would otherwise visit every page while opening.
        with pikepdf.open(io.BytesIO(content), inherit_page_attributes=False) as pdf:
            if pdf.is_encrypted:
                _refuse(_encrypted(), "encrypted")
            pages = _count_pages(pdf, max_pages, budget)
            findings = _scan(pdf, budget)
    except pikepdf.PasswordError:
        _refuse(_encrypted(), "encrypted")
    except (pikepdf.PdfError, _Damaged):
        _refuse(_("Die PDF-Datei ist beschädigt und kann nicht gelesen werden."), "damaged")
    except _TooManyPages as error:
        _refuse(_page_message(error.pages, min_pages, max_pages), "pages")
    except (_TooComplex, RecursionError):
        _refuse(
            _(
                "Die PDF-Datei ist zu umfangreich aufgebaut, um sie in vertretbarer Zeit zu "
                "prüfen. Bitte speichern Sie sie neu, zum Beispiel über „Drucken als PDF“."
            ),
            "too_complex",
        )
    for code in _SEVERITY:
        if code in findings:
            _refuse(_finding_message(code, findings[code]), code)
    if min_pages is not None and pages < min_pages:
        _refuse(_page_message(pages, min_pages, max_pages), "pages")
    name = sanitize_filename(getattr(uploaded, "name", ""))
    return CheckedPdf(content, digest.hexdigest(), len(content), pages, name)


def _finding_message(code: str, detail: str) -> str:
    if code == "uri_scheme":
        return _(
            "Die PDF-Datei enthält einen Link, der keine Webadresse ist („%(link)s“). Erlaubt "
            "sind Links, die mit „http://“, „https://“ oder „mailto:“ beginnen."
        ) % {"link": detail}
    return {
        "javascript": _(
            "Die PDF-Datei enthält JavaScript. Bitte speichern Sie sie ohne aktive "
            "Inhalte, zum Beispiel über „Drucken als PDF“."
        ),
        "launch": _(
            "Die PDF-Datei enthält eine Aktion, die Programme startet oder Dateien auf dem "
            "Rechner öffnet. Bitte speichern Sie sie ohne aktive Inhalte."
        ),
        "goto_remote": _(
            "Die PDF-Datei enthält einen Verweis, der ein anderes Dokument auf dem Rechner "
            "oder im Netz öffnet. Bitte speichern Sie sie ohne solche Verweise."
        ),
        "goto_embedded": _(
            "Die PDF-Datei enthält einen Verweis auf ein eingebettetes Dokument. Bitte laden "
            "Sie ein PDF ohne Anhänge hoch."
        ),
        "submit_form": _(
            "Die PDF-Datei enthält ein Formular, das Eingaben an eine Adresse im Netz sendet. "
            "Bitte speichern Sie sie ohne Formularfunktionen, zum Beispiel über „Drucken als "
            "PDF“."
        ),
        "import_data": _(
            "Die PDF-Datei enthält eine Aktion, die Daten aus einer anderen Datei einliest. "
            "Bitte speichern Sie sie ohne aktive Inhalte."
        ),
        "multimedia": _(
            "Die PDF-Datei enthält Multimedia-Inhalte (Video, Ton, 3D-Modell oder Flash). "
            "Bitte laden Sie ein PDF nur mit Text und Bildern hoch."
        ),
        "xfa": _(
            "Die PDF-Datei enthält ein XFA-Formular (ein dynamisches Formular mit eigenem "
            "Programmcode). Bitte speichern Sie sie über „Drucken als PDF“ als einfaches PDF."
        ),
        "embedded": _(
            "Die PDF-Datei enthält eingebettete Dateien. Bitte laden Sie ein PDF ohne Anhänge hoch."
        ),
        "automatic_action": _(
            "Die PDF-Datei führt beim Öffnen oder Anzeigen von selbst eine Aktion aus, zum "
            "Beispiel einen Link aufrufen oder drucken. Bitte speichern Sie sie ohne solche "
            "Aktionen."
        ),
    }[code]


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


def _page_message(pages: int | None, low: int | None, high: int | None) -> str:
    if pages is None:  # the page tree has more leaves than it claims; counting stopped
        has = _("Das Dokument hat mehr als %(n)d Seiten.") % {"n": high}
    else:
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
