"""KERN's fonts as TrueType files for WeasyPrint, converted once and kept in the data folder.

KERN ships Fira Sans as WOFF2 only. WeasyPrint decompresses a WOFF2 font with fontTools (pure
Python) on every render: about two seconds per font face, most of a transcript's time. The
converted TTF is byte-for-byte the same font, so the PDF embeds the same glyphs.
"""

import os
import tempfile
from pathlib import Path

from django.conf import settings

from kohorte.core.pdf import font_dir


def ttf_font_url(name: str) -> str:
    """A file URL of KERN's font ``name`` ("fira-sans/FiraSans-Regular") as TTF, made on the
    first call (atomically: written to a temporary file, then renamed)."""
    target = Path(settings.DATA_DIR) / "cache" / "fonts" / f"{name}.ttf"
    if not target.exists():
        from fontTools.ttLib import TTFont

        target.parent.mkdir(parents=True, exist_ok=True)
        font = TTFont(font_dir() / f"{name}.woff2")
        font.flavor = None
        handle, temporary = tempfile.mkstemp(dir=target.parent, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                font.save(out)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    return target.as_uri()
