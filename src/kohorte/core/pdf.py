"""Tagged PDFs (PDF/UA-1) from Django templates with WeasyPrint, in KERN's Fira Sans.

Every PDF Kohorte makes goes through ``render_pdf``: the receipt, the committee report, the
transcript and the certificate. Templates name the fonts relative to KERN's font folder
(``url("fira-sans/FiraSans-Regular.woff2")``); WeasyPrint embeds and subsets them.

Speed: WeasyPrint turns every WOFF2 font back into a TrueType font on every document, which
took about 1.5 s per font face (most of a certificate's time). ``_fetcher`` hands it the
TrueType bytes instead, decompressed once and kept in memory and in the data folder (the same
bytes WeasyPrint would make, so the PDFs do not change). Each thread also keeps one ``FontConfiguration``, so
a font face that an earlier document registered with fontconfig is not written and scanned
again.
"""

import threading
from functools import lru_cache
from io import BytesIO
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.template.loader import render_to_string


def font_dir() -> Path:
    return Path(settings.NODE_MODULES_DIR) / "@kern-ux" / "native" / "dist" / "fonts"


@lru_cache(maxsize=32)
def _truetype(path: str) -> bytes:
    """A WOFF2 font of KERN's folder as TrueType (what WeasyPrint stores for fontconfig). Kept
    in memory, and on disk in the data folder (``cache/fonts``) for the next process."""
    from fontTools.ttLib import woff2

    source = Path(path)
    stat = source.stat()
    cached = (
        Path(settings.DATA_DIR)
        / "cache"
        / "fonts"
        / f"{source.stem}-{stat.st_size}-{stat.st_mtime_ns}.ttf"
    )
    try:
        return cached.read_bytes()
    except OSError:
        pass
    out = BytesIO()
    with source.open("rb") as font:
        woff2.decompress(font, out)
    data = out.getvalue()
    try:
        cached.parent.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(f".{threading.get_ident()}.part")
        partial.write_bytes(data)
        partial.replace(cached)
    except OSError:
        pass  # a read-only data folder: the memory cache still holds
    return data


@lru_cache(maxsize=1)
def _fetcher_class():
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class FontCachingFetcher(URLFetcher):
        """WeasyPrint's fetcher, except that KERN's WOFF2 fonts come decompressed from the
        process's cache."""

        def fetch(self, url, headers=None):
            parts = urlsplit(url)
            if parts.scheme == "file" and parts.path.endswith(".woff2"):
                path = Path(unquote(parts.path)).resolve()
                if path.is_relative_to(font_dir().resolve()) and path.is_file():
                    return URLFetcherResponse(
                        url, _truetype(str(path)), {"Content-Type": "font/ttf"}
                    )
            return super().fetch(url, headers)

    return FontCachingFetcher


_local = threading.local()


def _font_config():
    from weasyprint.text.fonts import FontConfiguration

    if getattr(_local, "font_config", None) is None:
        _local.font_config = FontConfiguration()
    return _local.font_config


def render_pdf(template_name: str, context: dict, *, request=None) -> bytes:
    """Render the template to a tagged PDF/UA-1 document in the active language."""
    from weasyprint import HTML  # imported here: loading pango takes a moment

    html = render_to_string(template_name, context, request=request)
    document = HTML(string=html, base_url=str(font_dir()), url_fetcher=_fetcher_class()())
    return document.write_pdf(pdf_variant="pdf/ua-1", font_config=_font_config())
