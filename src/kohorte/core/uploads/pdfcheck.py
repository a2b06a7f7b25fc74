"""The walk over a PDF's structure, with pikepdf (qpdf): no Django here.

``_count_pages`` reads the page count from the page tree (``/Root /Pages /Count``) and confirms
it by a walk that stops at the limit; ``_scan`` walks every object of the file, iteratively, and
records what is refused: JavaScript, actions that start programs, open other documents, send or
read data or play media, XFA forms, embedded files, links that are not web or mail links, and
actions that run by themselves when the document is opened. A ``_Budget`` of nodes and a deadline
bound both walks; ``_declared_objects`` looks at the declared object count before qpdf reads the
cross-reference table. ``check.check_pdf`` turns what these find into messages.
"""

import re
import time
from typing import Any

import pikepdf

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
