"""Insight for staff: the distribution of the published grades per module, as a table and as an
accessible SVG chart (``core.charts``). Counts the grade that counts per participant and module
(``results.module_results``): a resit's pass replaces a fail; unpublished marks count for nothing.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from kohorte.assessments import grading
from kohorte.assessments.results import module_results
from kohorte.core.charts import GRID, INK, MARK, fmt, svg_frame
from kohorte.teaching.models import Participation

WIDTH = 400


@dataclass
class Distribution:
    module_id: int
    title: str
    rows: list[tuple[str, int]]  # (grade as people read it, how many)

    @property
    def total(self) -> int:
        return sum(n for _grade, n in self.rows)

    @property
    def chart(self) -> SafeString:
        return grade_chart(f"chart-grades-{self.module_id}", self.title, self.rows)


def grade_distributions(cohort, runs) -> list[Distribution]:
    """Per module run of ``runs`` (in their order) with at least one published grade: how many
    participants of the cohort got each grade of the run's scheme. Two queries."""
    results = module_results(Participation.objects.filter(cohort=cohort).values("pk"))
    out = []
    for run in runs:
        counts: dict[str, int] = {}
        for per_module in results.values():
            result = per_module.get(run.module_id)
            if result is not None and result.run_id == run.pk:
                counts[result.grade] = counts.get(result.grade, 0) + 1
        if not counts:
            continue
        scheme = grading.PASS_FAIL if set(counts) <= {"passed", "failed"} else grading.GRADE_DE
        steps = list(grading.codes(scheme)) + sorted(set(counts) - set(grading.codes(scheme)))
        out.append(
            Distribution(
                module_id=run.module_id,
                title=run.module.title,
                rows=[(grading.display(code), counts.get(code, 0)) for code in steps],
            )
        )
    return out


def grade_chart(chart_id: str, title: str, rows: list[tuple[str, int]]) -> SafeString:
    """A bar per grade, its number above it, the grade below; the same numbers as ``desc``.
    Narrow (``WIDTH`` 400) so that it fits a phone as it is."""
    left, right, top, bottom = 8, 8, 24, 150
    slot = (WIDTH - left - right) / max(len(rows), 1)
    most = max([n for _g, n in rows] + [1])
    body = [
        f'<line x1="{left}" y1="{bottom}" x2="{WIDTH - right}" y2="{bottom}" '
        f'stroke="{GRID}" stroke-width="1"/>'
    ]
    for i, (grade, n) in enumerate(rows):
        x = left + slot * i
        height = (bottom - top) * n / most
        bar = min(slot * 0.7, 48)
        body.append(
            f'<rect x="{fmt(x + (slot - bar) / 2)}" y="{fmt(bottom - height)}" '
            f'width="{fmt(bar)}" height="{fmt(height)}" fill="{MARK}"/>'
            f'<text x="{fmt(x + slot / 2)}" y="{fmt(bottom - height - 6)}" font-size="12" '
            f'text-anchor="middle" fill="{INK}">{n}</text>'
            f'<text x="{fmt(x + slot / 2)}" y="{bottom + 18}" font-size="12" '
            f'text-anchor="middle" fill="{INK}">{escape(grade)}</text>'
        )
    body.append(
        f'<text x="{WIDTH / 2:.1f}" y="{bottom + 38}" font-size="12" text-anchor="middle" '
        f'fill="{INK}">{escape(pgettext("Bewertung", "Note"))}</text>'
    )
    total = sum(n for _g, n in rows)
    desc = _("%(total)s veröffentlichte Noten: %(counts)s.") % {
        "total": total,
        "counts": "; ".join(f"{grade}: {n}" for grade, n in rows),
    }
    return svg_frame(
        chart_id,
        _("Notenverteilung im Modul %(title)s") % {"title": title},
        desc,
        bottom + 48,
        body,
        width=WIDTH,
        css_class="chart chart--small",
    )
