"""The reliability page's charts, drawn on the server as SVG (no script, no library): each
reviewer's offset with its 95 % interval, and the distribution of each reviewer's scores.

Every chart is an ``<svg role="img">`` named by its ``<title>`` and described by its ``<desc>``
(``aria-labelledby``); the page shows the same numbers as a table beside it. Colours come from
presentation attributes (no ``style``), so the strict CSP holds; every mark has at least 3:1
contrast against white, every text at least 4.5:1.
"""

import math
import statistics
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from kohorte.core.charts import FILL, GRID, INK, MARK, WIDTH
from kohorte.core.charts import fmt as _f
from kohorte.core.charts import svg_frame as _frame
from kohorte.selection.engine.offsets import offset_stderr
from kohorte.selection.templatetags.selection import points

Z95 = 1.96

LABEL = 200  # room for the names on the left
RIGHT = 24
ROW = 30
TOP = 16
AXIS = 34


@dataclass
class ReviewerStats:
    user_id: int
    name: str
    reviews: int
    shared: int
    offset: float | None
    stderr: float | None
    low: float | None
    high: float | None
    minimum: float
    q1: float
    median: float
    q3: float
    maximum: float
    mean: float


def reviewer_stats(numbers, members, shrinkage: float) -> list[ReviewerStats]:
    """Per committee member with submitted reviews: the offset with its 95 % interval and the
    five-number summary of their scores; ordered by name."""
    errors = offset_stderr(numbers.triples, shrinkage, numbers.sigma) if numbers.triples else {}
    scores: dict[int, list[float]] = {}
    for _app, reviewer, value in numbers.triples:
        scores.setdefault(reviewer, []).append(value)
    rows = []
    for m in members:
        values = sorted(scores.get(m.user_id, []))
        if not values:
            continue
        shared = numbers.shared.get(m.user_id, 0)
        offset = numbers.offset.get(m.user_id) if shared else None
        se = errors.get(m.user_id) if shared else None
        q1, median, q3 = (
            statistics.quantiles(values, n=4, method="inclusive")
            if len(values) >= 2
            else [values[0]] * 3
        )
        rows.append(
            ReviewerStats(
                user_id=m.user_id,
                name=str(m.user),
                reviews=len(values),
                shared=shared,
                offset=offset,
                stderr=se,
                low=offset - Z95 * se if offset is not None and se is not None else None,
                high=offset + Z95 * se if offset is not None and se is not None else None,
                minimum=values[0],
                q1=q1,
                median=median,
                q3=q3,
                maximum=values[-1],
                mean=statistics.fmean(values),
            )
        )
    return sorted(rows, key=lambda r: r.name)


def _axis(scale, ticks: list[float], y: float, label: str) -> list[str]:
    out = [
        f'<line x1="{LABEL}" y1="{_f(y)}" x2="{WIDTH - RIGHT}" y2="{_f(y)}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    ]
    for t in ticks:
        x = scale(t)
        out.append(
            f'<line x1="{_f(x)}" y1="{_f(y)}" x2="{_f(x)}" y2="{_f(y + 5)}" stroke="{GRID}"/>'
            f'<text x="{_f(x)}" y="{_f(y + 18)}" font-size="12" text-anchor="middle" '
            f'fill="{INK}">{escape(points(t, 1))}</text>'
        )
    out.append(
        f'<text x="{(LABEL + WIDTH - RIGHT) / 2:.1f}" y="{_f(y + 32)}" font-size="12" '
        f'text-anchor="middle" fill="{INK}">{escape(label)}</text>'
    )
    return out


def _name(row_y: float, name: str) -> str:
    short = name if len(name) <= 26 else name[:25] + "…"
    return (
        f'<text x="{LABEL - 10}" y="{_f(row_y + 4)}" font-size="13" text-anchor="end" '
        f'fill="{INK}">{escape(short)}</text>'
    )


def offsets_chart(rows: list[ReviewerStats]) -> SafeString:
    """Each member's offset (point) and its 95 % interval (line), around the zero line."""
    shown = [r for r in rows if r.offset is not None]
    if not shown:
        return mark_safe("")
    reach = max(0.5, *(max(abs(r.low or 0), abs(r.high or 0)) for r in shown))
    reach = math.ceil(reach * 2) / 2
    plot = WIDTH - RIGHT - LABEL

    def x(v: float) -> float:
        return LABEL + (v + reach) / (2 * reach) * plot

    height = TOP + ROW * len(shown) + AXIS + 12
    body = [
        f'<line x1="{_f(x(0))}" y1="{TOP - 6}" x2="{_f(x(0))}" y2="{TOP + ROW * len(shown)}" '
        f'stroke="{GRID}" stroke-dasharray="4 3"/>'
    ]
    for i, r in enumerate(shown):
        y = TOP + ROW * i + ROW / 2
        assert r.offset is not None and r.low is not None and r.high is not None
        body += [
            _name(y, r.name),
            f'<line x1="{_f(x(r.low))}" y1="{_f(y)}" x2="{_f(x(r.high))}" y2="{_f(y)}" '
            f'stroke="{MARK}" stroke-width="2"/>',
            f'<line x1="{_f(x(r.low))}" y1="{_f(y - 6)}" x2="{_f(x(r.low))}" y2="{_f(y + 6)}" '
            f'stroke="{MARK}" stroke-width="2"/>',
            f'<line x1="{_f(x(r.high))}" y1="{_f(y - 6)}" x2="{_f(x(r.high))}" '
            f'y2="{_f(y + 6)}" stroke="{MARK}" stroke-width="2"/>',
            f'<circle cx="{_f(x(r.offset))}" cy="{_f(y)}" r="5" fill="{MARK}"/>',
        ]
    ticks = [t / 2 for t in range(int(-reach * 2), int(reach * 2) + 1)]
    body += _axis(
        x, ticks, TOP + ROW * len(shown), _("Abweichung in Punkten (0 = wie die Kolleg:innen)")
    )
    desc = " ".join(
        _("%(name)s: %(offset)s (95-%%-Bereich %(low)s bis %(high)s).")
        % {
            "name": r.name,
            "offset": points(r.offset, 2),
            "low": points(r.low, 2),
            "high": points(r.high, 2),
        }
        for r in shown
    )
    return _frame(
        "chart-offsets",
        _("Abweichung je Mitglied mit 95-%-Bereich"),
        desc,
        height,
        body,
    )


def distribution_chart(rows: list[ReviewerStats]) -> SafeString:
    """Each member's scores as a box plot on the scale 1 to 5: box from the lower to the upper
    quartile, a bar at the median, whiskers to the lowest and highest score, a point at the mean."""
    if not rows:
        return mark_safe("")
    plot = WIDTH - RIGHT - LABEL

    def x(v: float) -> float:
        return LABEL + (v - 1) / 4 * plot

    height = TOP + ROW * len(rows) + AXIS + 12
    body = []
    for i, r in enumerate(rows):
        y = TOP + ROW * i + ROW / 2
        body += [
            _name(y, r.name),
            f'<line x1="{_f(x(r.minimum))}" y1="{_f(y)}" x2="{_f(x(r.maximum))}" y2="{_f(y)}" '
            f'stroke="{MARK}" stroke-width="1.5"/>',
            f'<rect x="{_f(x(r.q1))}" y="{_f(y - 9)}" width="{_f(max(x(r.q3) - x(r.q1), 1))}" '
            f'height="18" fill="{FILL}" stroke="{MARK}" stroke-width="1.5"/>',
            f'<line x1="{_f(x(r.median))}" y1="{_f(y - 9)}" x2="{_f(x(r.median))}" '
            f'y2="{_f(y + 9)}" stroke="{INK}" stroke-width="3"/>',
            f'<circle cx="{_f(x(r.mean))}" cy="{_f(y)}" r="3.5" fill="#ffffff" stroke="{INK}" '
            f'stroke-width="1.5"/>',
        ]
    body += _axis(x, [1, 2, 3, 4, 5], TOP + ROW * len(rows), _("Note (1 bis 5)"))
    desc = " ".join(
        _(
            "%(name)s: %(n)s Gutachten, niedrigste Note %(min)s, mittlere Hälfte %(q1)s bis "
            "%(q3)s, Median %(median)s, höchste %(max)s."
        )
        % {
            "name": r.name,
            "n": r.reviews,
            "min": points(r.minimum),
            "q1": points(r.q1),
            "q3": points(r.q3),
            "median": points(r.median),
            "max": points(r.maximum),
        }
        for r in rows
    )
    return _frame(
        "chart-scores",
        _("Verteilung der Noten je Mitglied"),
        desc,
        height,
        body,
    )
