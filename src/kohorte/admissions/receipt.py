"""The receipt PDF for a submitted application (WeasyPrint, tagged PDF/UA), in the
applicant's language: a summary and the SHA-256 of each document."""

from django.utils import timezone, translation

from kohorte.admissions.models import Application
from kohorte.core.pdf import render_pdf


def receipt_pdf(application: Application) -> bytes:
    language = application.applicant.preferred_language or "de"
    with translation.override(language):
        return render_pdf(
            "admissions/receipt.html",
            {
                "application": application,
                "documents": application.documents.filter(is_current=True).order_by("kind"),
                "referee": application.referee_requests.filter(status="received").first(),
                "generated_at": timezone.now(),
                "language": language,
            },
        )
