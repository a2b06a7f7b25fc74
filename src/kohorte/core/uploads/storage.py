"""Private files: checked bytes stored under a random name, served only after a permission check.

The storage writes atomically (a temporary file, then a rename).
"""

import secrets

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse

from kohorte.core.uploads.check import CheckedPdf


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
