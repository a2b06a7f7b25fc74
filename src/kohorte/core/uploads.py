"""Upload checks and private files.

``check_pdf`` decides by content, never by name: the file is parsed with pikepdf (qpdf). It
refuses, each with its own message, what is not a PDF, what is encrypted, what is too large,
what has more pages than allowed, and what carries active or embedded content anywhere in its
object graph: JavaScript, actions that start programs, open other documents, send or read data
or play media, XFA forms, embedded files, links that are not web or mail links, and actions
that run by themselves when the document is opened. ``store_private`` writes the checked bytes
under a random name in private storage, atomically (the storage writes a temporary file and
renames it), and ``private_file_response`` serves a file only to code that has already checked
permission.

The work of a check is bounded before anything expensive happens: the size first, then the page
count read from the page tree (``/Root /Pages /Count``, confirmed by a walk that stops at the
limit), then a walk over every object with a node budget and a deadline.
"""

import hashlib
import io
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from typing import Any

import pikepdf
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

PDF_MAGIC = b"%PDF-"

_T = pikepdf.ObjectType
_CONTAINERS = frozenset({_T.dictionary, _T.stream, _T.array})

# Action types (/S) refused wherever they are. /ResetForm is allowed: it only clears the
# fields of the open document, runs no code and sends nothing. /GoTo, /URI (checked below),
# /Named, /Hide, /Thread, /Trans and /SetOCGState are allowed when a reader clicks them.
_REFUSED_ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/GoToR": "goto_remote",
    "/GoToE": "goto_embedded",
    "/SubmitForm": "submit_form",
    "/ImportData": "import_data",
    "/Rendition": "multimedia",
    "/Sound": "multimedia",
    "/Movie": "multimedia",
    "/RichMediaExecute": "multimedia",
    "/GoTo3DView": "multimedia",
}
# Keys refused in any dictionary: script code, the document's JavaScript name tree, XFA forms,
# embedded files (the /EmbeddedFiles name tree, /EF in a file specification), rich media.
_REFUSED_KEYS = {
    "/JS": "javascript",
    "/JavaScript": "javascript",
    "/XFA": "xfa",
    "/EF": "embedded",
    "/EmbeddedFiles": "embedded",
    "/RichMediaContent": "multimedia",
    "/RichMediaSettings": "multimedia",
}
# Annotation subtypes refused: media players and 3D models (their viewers have a long history
# of exploits and may run scripts of their own; /Screen exists only to play media) and file
# attachments.
_REFUSED_SUBTYPES = {
    "/RichMedia": "multimedia",
    "/Screen": "multimedia",
    "/Movie": "multimedia",
    "/Sound": "multimedia",
    "/3D": "multimedia",
    "/FileAttachment": "embedded",
}
_REFUSED_TYPES = {"/EmbeddedFile": "embedded", "/Sound": "multimedia"}
# Which finding is reported when a file has several: the most dangerous first.
_SEVERITY = [
    "javascript",
    "launch",
    "goto_remote",
    "goto_embedded",
    "submit_form",
    "import_data",
    "multimedia",
    "xfa",
    "embedded",
    "uri_scheme",
    "automatic_action",
]
_WEB_LINK = re.compile(r"(?i)(https?://|mailto:)")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]{0,30}):")
_DEADLINE_EVERY = 2048  # nodes between two looks at the clock


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


class _TooComplex(Exception):
    """The check ran out of its node budget or its time."""


class _TooManyPages(Exception):
    def __init__(self, pages: int | None):
        self.pages = pages  # None: more than the limit, exact number not counted


class _Damaged(Exception):
    pass


class _Budget:
    def __init__(self, nodes: int, seconds: float):
        self.left = nodes
        self.deadline = time.monotonic() + seconds
        self.until_clock = _DEADLINE_EVERY

    def spend(self, nodes: int) -> None:
        self.left -= nodes
        self.until_clock -= nodes
        if self.left < 0:
            raise _TooComplex
        if self.until_clock <= 0:
            self.until_clock = _DEADLINE_EVERY
            if time.monotonic() > self.deadline:
                raise _TooComplex


def _is(obj, *types) -> bool:
    return isinstance(obj, pikepdf.Object) and obj._type_code in types


def _name(obj) -> str | None:
    return str(obj) if _is(obj, _T.name_) else None


def _count_pages(pdf: pikepdf.Pdf, limit: int, budget: _Budget) -> int:
    """The number of pages: /Count of the page tree's root, confirmed by walking the tree.

    Refuses before walking when /Count is over ``limit``, and stops the walk as soon as more
    than ``limit`` pages are found, so a page bomb costs no more than ``limit`` pages."""
    root: Any = pdf.trailer.get("/Root")
    tree: Any = root.get("/Pages") if _is(root, _T.dictionary) else None
    count = tree.get("/Count") if _is(tree, _T.dictionary) else None
    if not isinstance(count, int) or isinstance(count, bool) or count < 0:
        raise _Damaged
    if count > limit:
        raise _TooManyPages(count)
    leaves, seen = 0, set()
    stack: list[Any] = [tree]
    while stack:
        node = stack.pop()
        if node.is_indirect:
            if node.objgen in seen:
                raise _Damaged  # a page tree with a cycle
            seen.add(node.objgen)
        kids = node.get("/Kids")
        if _is(kids, _T.array) and _name(node.get("/Type")) != "/Page":
            budget.spend(1 + len(kids))
            stack.extend(kid for kid in reversed(list(kids)) if _is(kid, _T.dictionary))
            continue
        budget.spend(1)
        leaves += 1
        if leaves > limit:
            raise _TooManyPages(None)
    if leaves != count:
        raise _Damaged
    return leaves


def _uri_problem(value) -> str | None:
    """None for a web or mail link; else the part of the link to name in the message."""
    if not _is(value, _T.string):
        return None
    # Browsers drop tabs and line breaks anywhere and leading controls: "java\tscript:" is
    # "javascript:" to them.
    text = re.sub(r"[\t\n\r]", "", str(value)).lstrip("".join(map(chr, range(33))))
    if _WEB_LINK.match(text):
        return None
    scheme = _SCHEME.match(text)
    if scheme:
        return scheme.group(1).lower() + ":"
    return re.sub(r"[^\x21-\x7e]", "", text)[:40] or "…"


def _automatic_problem(value, *, additional: bool) -> bool:
    """True when /OpenAction (or each action of an /AA dictionary) is anything but a plain
    destination or /GoTo inside the document, including anything chained with /Next."""
    if additional:
        if not _is(value, _T.dictionary):
            return False
        actions = [action for _trigger, action in value.items()]
    else:
        actions = [value]
    stack, seen, steps = list(actions), set(), 0
    while stack:
        action = stack.pop()
        steps += 1
        if steps > 1000:
            return True
        if not _is(action, _T.dictionary):
            continue  # a destination (array, name or string)
        if action.is_indirect:
            if action.objgen in seen:
                continue
            seen.add(action.objgen)
        if _name(action.get("/S")) != "/GoTo":
            return True
        following = action.get("/Next")
        if _is(following, _T.array):
            stack.extend(following)
        elif following is not None:
            stack.append(following)
    return False


def _inspect(items: list, findings: dict) -> None:
    """Record what a dictionary (or a stream's dictionary) carries that is refused."""
    entries = dict(items)
    for key in entries:
        code = _REFUSED_KEYS.get(key)
        if code:
            findings.setdefault(code, key)
    action = _name(entries.get("/S"))
    if action in _REFUSED_ACTIONS:
        findings.setdefault(_REFUSED_ACTIONS[action], action)
    if action == "/URI":
        problem = _uri_problem(entries.get("/URI"))
        if problem:
            findings.setdefault("uri_scheme", problem)
    subtype = _name(entries.get("/Subtype"))
    if subtype in _REFUSED_SUBTYPES:
        findings.setdefault(_REFUSED_SUBTYPES[subtype], subtype)
    kind = _name(entries.get("/Type"))
    if kind in _REFUSED_TYPES:
        findings.setdefault(_REFUSED_TYPES[kind], kind)
    if "/OpenAction" in entries and _automatic_problem(entries["/OpenAction"], additional=False):
        findings.setdefault("automatic_action", "/OpenAction")
    if "/AA" in entries and _automatic_problem(entries["/AA"], additional=True):
        findings.setdefault("automatic_action", "/AA")


def _scan(pdf: pikepdf.Pdf, budget: _Budget) -> dict:
    """Walk every object reachable from the trailer, then every object in the file (including
    those in object streams and those nothing refers to), iteratively: direct dictionaries,
    arrays and stream dictionaries are entered, indirect objects once each."""
    findings: dict[str, str] = {}
    seen: set[tuple[int, int]] = set()
    stack = [pdf.trailer]
    everything = None
    while True:
        if not stack:
            if everything is None:
                everything = iter(pdf.objects)
            obj = next(everything, None)
            if obj is None:
                return findings
            stack.append(obj)
        obj = stack.pop()
        if obj.is_indirect:
            if obj.objgen in seen:
                continue
            seen.add(obj.objgen)
        code = obj._type_code
        if code == _T.array:
            values = list(obj)
        elif code in (_T.dictionary, _T.stream):
            items = list(obj.items())
            _inspect(items, findings)
            values = [value for _key, value in items]
        else:
            continue
        budget.spend(1 + len(values))
        stack.extend(
            v for v in values if isinstance(v, pikepdf.Object) and v._type_code in _CONTAINERS
        )


_DECLARED_SIZE = re.compile(rb"/Size\s*(\d{1,12})")


def _declared_objects(content: bytes) -> int:
    """The largest object count a trailer or cross-reference stream declares (/Size).

    A cheap look before qpdf reads the cross-reference table: qpdf spends about a second and
    hundreds of MB on a million entries. It is no boundary against a file that lies (qpdf then
    repairs), which the size limit, the page limit and the node budget still bound.
    """
    return max((int(m.group(1)) for m in _DECLARED_SIZE.finditer(content)), default=0)


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
