"""The ranking view's rows: every submitted application with its numbers, in a fixed number
of queries (the applications, the reviews behind the numbers, decisions, locks, conflicts of
the viewer, the latest proposal), whatever the number of rows.

``ranking_rows`` builds every row (the committee report and the exports need them all).
``ranking_page`` is the page's fast path: it filters, sorts and ranks light tuples and builds
full rows only for the page shown, and ``table_rows_html`` writes their table rows in one pass
(the same markup the template's loop wrote, which cost more than everything else on the page).
Both give the same rows, ranks and order (tests/selection/test_ranking_fast.py).
"""

import bisect
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext as _

from kohorte.admissions.models import Application, AuthorityKind, FederalLevel, Gender
from kohorte.selection.models import Conflict, Decision, Lock, SelectionSettings
from kohorte.selection.scoring import Numbers, committee_numbers, fetch_rows
from kohorte.selection.visibility import hidden_applications


@dataclass
class Row:
    pk: int
    name: str
    authority: str
    level: str
    level_label: str
    authority_kind: str
    gender: str
    gender_label: str
    eligible: bool
    reviews: int
    raw: float | None
    calibrated: float | None
    stderr: float | None
    spread: float | None
    flagged: bool
    decision: str
    decision_label: str
    proposed: str
    lock: str
    hidden: bool  # the viewer is in conflict with this application: no numbers
    rank: int | None = None  # by calibrated score, ties share a rank ("1, 2, 2, 4")


def ranking_rows(cohort, viewer=None) -> list[Row]:
    numbers = committee_numbers(cohort)
    threshold = float(SelectionSettings.for_cohort(cohort).disagreement_threshold)
    decisions = {
        pk: (outcome, proposed)
        for pk, outcome, proposed in Decision.objects.filter(
            application__cohort=cohort, is_current=True
        ).values_list("application_id", "outcome", "proposed")
    }
    locks = dict(
        Lock.objects.filter(application__cohort=cohort).values_list("application_id", "kind")
    )
    conflicted = (
        set(
            Conflict.objects.filter(application__cohort=cohort, reviewer=viewer).values_list(
                "application_id", flat=True
            )
        )
        if viewer is not None
        else set()
    )
    # labels looked up once per request: get_FOO_display() per row costs ~0.1 ms each
    outcome_labels = {k: str(v) for k, v in Decision.Outcome.choices}
    level_labels = {k: str(v) for k, v in FederalLevel.choices}
    kind_labels = {k: str(v) for k, v in AuthorityKind.choices}
    gender_labels = {k: str(v) for k, v in Gender.choices}
    rows = []
    applications = Application.objects.filter(
        cohort=cohort, status=Application.Status.SUBMITTED
    ).values_list(
        "pk",
        "first_name",
        "last_name",
        "applicant__email",
        "authority",
        "federal_level",
        "authority_kind",
        "gender",
        "is_eligible",
    )
    for pk, first, last, email, authority, level, kind, gender, eligible in applications:
        hidden = pk in conflicted
        spread = numbers.spread.get(pk)
        outcome, proposed = decisions.get(pk, ("", ""))
        rows.append(
            Row(
                pk=pk,
                name=f"{last}, {first}".strip(", ") or email,
                authority=authority,
                level=level,
                level_label=level_labels.get(level, ""),
                authority_kind=kind_labels.get(kind, ""),
                gender=gender,
                gender_label=gender_labels.get(gender, ""),
                eligible=eligible,
                reviews=0 if hidden else numbers.reviews.get(pk, 0),
                raw=None if hidden else numbers.raw.get(pk),
                calibrated=None if hidden else numbers.calibrated.get(pk),
                stderr=None if hidden else numbers.stderr.get(pk),
                spread=None if hidden else spread,
                flagged=(not hidden) and spread is not None and spread >= threshold,
                decision=outcome,
                decision_label=outcome_labels.get(outcome, ""),
                proposed=proposed,
                lock=locks.get(pk, ""),
                hidden=hidden,
            )
        )
    _rank(rows)
    return rows


def _rank(rows: list[Row]) -> None:
    """Number the rows with a calibrated score by that score; the others get no rank."""
    scored = sorted(
        (r for r in rows if r.calibrated is not None), key=lambda r: -(r.calibrated or 0.0)
    )
    previous, rank = None, 0
    for position, row in enumerate(scored, start=1):
        if row.calibrated != previous:
            rank, previous = position, row.calibrated
        row.rank = rank


SORTS = {
    "-calibrated": lambda r: (r.calibrated is None, -(r.calibrated or 0), r.name),
    "-raw": lambda r: (r.raw is None, -(r.raw or 0), r.name),
    "-spread": lambda r: (r.spread is None, -(r.spread or 0), r.name),
    "name": lambda r: (r.name.casefold(),),
    "level": lambda r: (r.level, -(r.calibrated or 0)),
}


def filter_rows(rows: list[Row], filters: dict) -> list[Row]:
    rows = _matching(rows, filters, lambda r: r.decision)
    return sorted(rows, key=SORTS.get(filters.get("sort") or "", SORTS["-calibrated"]))


def _matching[R: (Row, "_Line")](rows: list[R], filters: dict, decision_of) -> list[R]:
    """The rows the filters let through, in their order (``decision_of(row)``: its outcome)."""
    if level := filters.get("level"):
        rows = [r for r in rows if r.level == level]
    if gender := filters.get("gender"):
        rows = [r for r in rows if r.gender == gender]
    if filters.get("eligible") in ("yes", "no"):
        rows = [r for r in rows if r.eligible == (filters["eligible"] == "yes")]
    if filters.get("flagged") == "yes":
        rows = [r for r in rows if r.flagged]
    if decision := filters.get("decision"):
        rows = [r for r in rows if (decision_of(r) or "none") == decision]
    if q := (filters.get("q") or "").strip().casefold():
        rows = [r for r in rows if q in r.name.casefold() or q in r.authority.casefold()]
    return rows


def export_rows(rows: list[Row]) -> tuple[list[str], list[dict]]:
    """The columns (translated headers) and one dict per row."""

    def num(value):
        return round(value, 2) if value is not None else ""

    columns = [
        _("Rang"),
        _("Name"),
        _("Behörde"),
        _("Ebene"),
        _("Art der Behörde"),
        _("Geschlecht"),
        _("Voraussetzungen erfüllt"),
        _("Gutachten"),
        _("Note (roh)"),
        _("Note (kalibriert)"),
        _("Unsicherheit (±)"),
        _("Spannweite"),
        _("zur Diskussion"),
        _("Festlegung"),
        _("Entscheidung"),
    ]
    return columns, [
        {
            _("Rang"): r.rank or "",
            _("Name"): r.name,
            _("Behörde"): r.authority,
            _("Ebene"): r.level_label,
            _("Art der Behörde"): r.authority_kind,
            _("Geschlecht"): r.gender_label,
            _("Voraussetzungen erfüllt"): _("ja") if r.eligible else _("nein"),
            _("Gutachten"): r.reviews,
            _("Note (roh)"): num(r.raw),
            _("Note (kalibriert)"): num(r.calibrated),
            _("Unsicherheit (±)"): num(r.stderr),
            _("Spannweite"): num(r.spread),
            _("zur Diskussion"): _("ja") if r.flagged else "",
            _("Festlegung"): {"in": _("gesetzt"), "out": _("ausgeschlossen")}.get(r.lock, ""),
            _("Entscheidung"): r.decision_label,
        }
        for r in rows
    ]


class _Line(NamedTuple):
    """What filtering, sorting and ranking read of a row (the attribute names of ``Row``; the
    decision is looked up per request, it is not part of the table below)."""

    pk: int
    name: str
    authority: str
    level: str
    gender: str
    eligible: bool
    flagged: bool
    calibrated: float | None
    raw: float | None
    spread: float | None
    source: tuple  # the application's columns, for the full row if it is on the page


@dataclass
class _Table:
    """Every submitted application of a cohort as a ``_Line``, with what does not depend on the
    person asking or the filters: kept per process while the numbers, the threshold and the
    applications' columns stay the same."""

    numbers: Numbers
    threshold: float
    source: list[tuple]
    lines: list[_Line]
    scored: list[float]  # every calibrated score, ascending (for the ranks)
    by_sort: dict[str, list[_Line]] = field(default_factory=dict)  # lines in each sort order

    def sorted_by(self, sort: str) -> list[_Line]:
        if sort not in self.by_sort:
            self.by_sort[sort] = sorted(self.lines, key=SORTS[sort])
        return self.by_sort[sort]


_tables: dict[int, _Table] = {}  # cohort id -> its last table in this process


def _table(cohort, numbers: Numbers, threshold: float) -> _Table:
    # the applications are read on every request (one query): comparing them is exact, where a
    # timestamp would miss a change saved with update_fields or an applicant's new e-mail
    source = fetch_rows(
        Application.objects.filter(cohort=cohort, status=Application.Status.SUBMITTED).values_list(
            *_COLUMNS
        )
    )
    known = _tables.get(cohort.pk)
    if (
        known is not None
        and known.numbers is numbers
        and known.threshold == threshold
        and known.source == source
    ):
        return known
    raw, calibrated, spreads = numbers.raw, numbers.calibrated, numbers.spread
    lines = []
    for row in source:
        pk, first, last, email, authority, level, _kind, gender, eligible = row
        spread = spreads.get(pk)
        lines.append(
            _Line(
                pk,
                f"{last}, {first}".strip(", ") or email,
                authority,
                level,
                gender,
                bool(eligible),  # SQLite answers 0 or 1
                spread is not None and spread >= threshold,
                calibrated.get(pk),
                raw.get(pk),
                spread,
                row,
            )
        )
    scored = sorted(line.calibrated for line in lines if line.calibrated is not None)
    table = _Table(numbers, threshold, source, lines, scored)
    _tables[cohort.pk] = table
    return table


@dataclass
class RankingPage:
    page: Page  # its object_list: the Rows shown
    count: int  # rows after the filters
    hidden: int  # applications left out because the viewer is in conflict with them


def ranking_page(cohort, viewer, filters: dict, page_number: Any) -> RankingPage:
    """The rows of one page of the ranking as ``viewer`` sees it: ``ranking_rows`` without the
    applications the viewer is in conflict with, filtered and sorted by ``filter_rows``, with
    the same ranks, but full rows built only for the page.

    Sorting first and filtering then gives the order of ``filter_rows`` (which filters, then
    sorts): the sort is stable, so the rows a filter keeps stay in the same order."""
    settings_ = SelectionSettings.for_cohort(cohort)
    numbers = committee_numbers(cohort, settings_)
    table = _table(cohort, numbers, float(settings_.disagreement_threshold))
    decisions = {
        pk: (outcome, proposed)
        for pk, outcome, proposed in Decision.objects.filter(
            application__cohort=cohort, is_current=True
        ).values_list("application_id", "outcome", "proposed")
    }
    locks = dict(
        Lock.objects.filter(application__cohort=cohort).values_list("application_id", "kind")
    )
    hidden = hidden_applications(viewer, cohort)
    lines = table.sorted_by(filters.get("sort") or "-calibrated")
    scored = table.scored
    left_out = 0
    if hidden:
        lines = [line for line in lines if line.pk not in hidden]
        left_out = len(table.lines) - len(lines)
        scored = sorted(line.calibrated for line in lines if line.calibrated is not None)
    lines = _matching(lines, filters, lambda line: decisions.get(line.pk, ("", ""))[0])
    page = Paginator(lines, filters.get("per_page") or 50).get_page(page_number)
    outcome_labels = {k: str(v) for k, v in Decision.Outcome.choices}
    level_labels = {k: str(v) for k, v in FederalLevel.choices}
    kind_labels = {k: str(v) for k, v in AuthorityKind.choices}
    gender_labels = {k: str(v) for k, v in Gender.choices}
    rows = []
    for line in page.object_list:
        pk, _first, _last, _email, authority, level, kind, gender, _eligible = line.source
        outcome, proposed = decisions.get(pk, ("", ""))
        rows.append(
            Row(
                pk=pk,
                name=line.name,
                authority=authority,
                level=level,
                level_label=level_labels.get(level, ""),
                authority_kind=kind_labels.get(kind, ""),
                gender=gender,
                gender_label=gender_labels.get(gender, ""),
                eligible=line.eligible,
                reviews=numbers.reviews.get(pk, 0),
                raw=line.raw,
                calibrated=line.calibrated,
                stderr=numbers.stderr.get(pk),
                spread=line.spread,
                flagged=line.flagged,
                decision=outcome,
                decision_label=outcome_labels.get(outcome, ""),
                proposed=proposed,
                lock=locks.get(pk, ""),
                hidden=False,
                # ties share a rank ("1, 2, 2, 4"): one plus the number scored higher
                rank=None
                if line.calibrated is None
                else len(scored) - bisect.bisect_right(scored, line.calibrated) + 1,
            )
        )
    return RankingPage(
        page=Page(rows, page.number, page.paginator), count=len(lines), hidden=left_out
    )


_COLUMNS = (
    "pk",
    "first_name",
    "last_name",
    "applicant__email",
    "authority",
    "federal_level",
    "authority_kind",
    "gender",
    "is_eligible",
)


# re-exported: the ranking page imports them from here
from kohorte.selection.ranking_html import points, table_rows_html  # noqa: E402

__all__ = [
    "RankingPage",
    "Row",
    "export_rows",
    "filter_rows",
    "points",
    "ranking_page",
    "ranking_rows",
    "table_rows_html",
]
