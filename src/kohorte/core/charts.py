"""Charts drawn on the server as SVG (no script, no library), shared by the apps.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(``aria-labelledby``); the page shows the same numbers as a table beside it. Colours come from
presentation attributes (no ``style``), so the strict CSP holds; every mark has at least 3:1
contrast against white, every text at least 4.5:1.
"""

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

INK = "#171a2b"  # text (15:1 on white)
MARK = "#1a4f8b"  # points, intervals, bars, boxes' outline (8:1)
FILL = "#c8d6eb"  # box body, behind the outline
GRID = "#6b7280"  # axis and zero line (4.8:1)
WIDTH = 640


def fmt(x: float) -> str:
    """A coordinate with one decimal."""
    return f"{x:.1f}"


def svg_frame(
    chart_id: str,
    title: str,
    desc: str,
    height: int,
    body: list[str],
    width: int = WIDTH,
    css_class: str = "chart",
) -> SafeString:
    """The ``<svg role="img">`` around ``body``, named by ``title`` and described by ``desc``
    (both escaped here; ``body`` must already be escaped). ``chart--small`` (a narrow viewBox)
    fits a phone without scrolling."""
    return mark_safe(
        f'<svg class="{css_class}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'role="img" aria-labelledby="{chart_id}-title {chart_id}-desc" focusable="false">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>' + "".join(body) + "</svg>"
    )
