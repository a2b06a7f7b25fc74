"""The committee report (PDF, WeasyPrint, tagged PDF/UA): composition of the selected cohort,
score distributions, reliability, and every departure from the proposal with its reason."""

from collections import Counter

from django.utils import timezone

from kohorte.admissions.models import Application, AuthorityKind, FederalLevel, Gender
from kohorte.core.pdf import render_pdf
from kohorte.selection.models import Decision, SelectionSettings
from kohorte.selection.portal import waitlist_order
from kohorte.selection.ranking import ranking_rows
from kohorte.selection.rules import gender_is_visible
from kohorte.selection.scoring import committee_reliability
from kohorte.selection.visibility import hidden_applications, hidden_notice


def _share(counter: Counter, choices, total: int) -> list[dict]:
    """Count and share per label; empty when nothing but "not given" is left (a table with the
    one row "– 25 100 %" tells the reader nothing)."""
    if not any(n for key, n in counter.items() if key):
        return []
    rows = []
    for key, label in [*choices, ("", "–")]:
        n = counter.get(key, 0)
        if n:
            rows.append({"label": label, "n": n, "percent": round(100 * n / total) if total else 0})
    return rows


def _histogram(values: list[float]) -> list[dict]:
    bins = [(1 + 0.5 * i, 1.5 + 0.5 * i) for i in range(8)]
    counts = [sum(1 for v in values if lo <= v < hi or (hi == 5 and v == 5)) for lo, hi in bins]
    top = max(counts) or 1
    return [
        {"low": lo, "high": hi, "n": n, "width": round(100 * n / top)}
        for (lo, hi), n in zip(bins, counts, strict=True)
    ]


def report_context(cohort, viewer=None) -> dict:
    """What the report shows ``viewer``: every count, share and distribution is taken over the
    applications they are not in conflict with; the others are one neutral line."""
    hidden = hidden_applications(viewer, cohort)
    rows = ranking_rows(cohort, viewer=viewer)
    n_hidden = sum(1 for r in rows if r.pk in hidden)
    rows = [r for r in rows if r.pk not in hidden]
    admitted_ids = [r.pk for r in rows if r.decision == Decision.Outcome.ADMIT]
    admitted = Application.objects.filter(pk__in=admitted_ids).only(
        "federal_level", "authority_kind", "gender"
    )
    total = len(admitted_ids)
    by_pk = {r.pk: r for r in rows}
    # the admitted in ranking order; the waiting list in its own order (portal.waitlist_order)
    admitted_rows = sorted(
        (r for r in rows if r.decision == Decision.Outcome.ADMIT),
        key=lambda r: (r.rank is None, r.rank or 0, r.name),
    )
    waiting_rows = [by_pk[pk] for pk in waitlist_order(cohort) if pk in by_pk]
    show_gender = gender_is_visible(SelectionSettings.for_cohort(cohort))
    return {
        "cohort": cohort,
        "generated_at": timezone.now(),
        "counts": Counter(r.decision or "open" for r in rows),
        "submitted": len(rows),
        "admitted": total,
        "by_level": _share(Counter(a.federal_level for a in admitted), FederalLevel.choices, total),
        "by_kind": _share(
            Counter(a.authority_kind for a in admitted), AuthorityKind.choices, total
        ),
        "by_gender": (
            _share(Counter(a.gender for a in admitted), Gender.choices, total)
            if show_gender
            else []
        ),
        "admitted_rows": admitted_rows,
        "waiting_rows": waiting_rows,
        "raw_hist": _histogram([r.raw for r in rows if r.raw is not None]),
        "calibrated_hist": _histogram([r.calibrated for r in rows if r.calibrated is not None]),
        "reliability": committee_reliability(cohort),
        "departures": Decision.objects.departures(cohort).exclude(application_id__in=hidden),
        "hidden_notice": hidden_notice(n_hidden),
    }


def report_pdf(cohort, viewer=None) -> bytes:
    return render_pdf("selection/report.html", report_context(cohort, viewer))
