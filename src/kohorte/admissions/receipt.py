"""The receipt PDF for a submitted application (WeasyPrint, tagged PDF/UA), in the
applicant's language: a summary and the SHA-256 of each document."""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation

from kohorte.admissions.models import Application


def receipt_pdf(application: Application) -> bytes:
    from weasyprint import HTML  # imported here: loading pango takes a moment

    language = application.applicant.preferred_language or "de"
    with translation.override(language):
        html = render_to_string(
            "admissions/receipt.html",
            {
                "application": application,
                "documents": application.documents.filter(is_current=True).order_by("kind"),
                "referee": application.referee_requests.filter(status="received").first(),
                "generated_at": timezone.now(),
                "language": language,
            },
        )
    fonts = Path(settings.NODE_MODULES_DIR) / "@kern-ux" / "native" / "dist" / "fonts"
    return HTML(string=html, base_url=str(fonts)).write_pdf(pdf_variant="pdf/ua-1")
