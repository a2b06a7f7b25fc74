"""Tagged PDFs (PDF/UA-1) from Django templates with WeasyPrint, in KERN's Fira Sans.

Every PDF Kohorte makes goes through ``render_pdf``: the receipt, the committee report, the
transcript and the certificate. Templates name the fonts relative to KERN's font folder
(``url("fira-sans/FiraSans-Regular.woff2")``); WeasyPrint embeds and subsets them.
"""

from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string


def font_dir() -> Path:
    return Path(settings.NODE_MODULES_DIR) / "@kern-ux" / "native" / "dist" / "fonts"


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render the template to a tagged PDF/UA-1 document in the active language."""
    from weasyprint import HTML  # imported here: loading pango takes a moment

    html = render_to_string(template_name, context, request=request)
    return HTML(string=html, base_url=str(font_dir())).write_pdf(pdf_variant="pdf/ua-1")
