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

Modules: ``check`` (check_pdf, its messages, file names and page limits), ``pdfcheck`` (the
walk over the page tree and the object graph, without Django), ``storage`` (private files).
Import the names from here.
"""

from kohorte.core.uploads.check import (
    PDF_MAGIC,
    CheckedPdf,
    check_pdf,
    max_pages_for,
    sanitize_filename,
)
from kohorte.core.uploads.storage import private_file_response, store_private

__all__ = [
    "PDF_MAGIC",
    "CheckedPdf",
    "check_pdf",
    "max_pages_for",
    "private_file_response",
    "sanitize_filename",
    "store_private",
]
