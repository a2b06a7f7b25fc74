"""The ranking view's rows: every submitted application with its numbers, in a fixed number
of queries (the applications, the reviews behind the numbers, decisions, locks, conflicts of
the viewer, the latest proposal), whatever the number of rows."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from kohorte.admissions.models import Application, AuthorityKind, FederalLevel, Gender
from kohorte.selection.models import Conflict, Decision, Lock, SelectionSettings
from kohorte.selection.scoring import committee_numbers


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
    if level := filters.get("level"):
        rows = [r for r in rows if r.level == level]
    if gender := filters.get("gender"):
        rows = [r for r in rows if r.gender == gender]
    if filters.get("eligible") in ("yes", "no"):
        rows = [r for r in rows if r.eligible == (filters["eligible"] == "yes")]
    if filters.get("flagged") == "yes":
        rows = [r for r in rows if r.flagged]
    if decision := filters.get("decision"):
        rows = [r for r in rows if (r.decision or "none") == decision]
    if q := (filters.get("q") or "").strip().casefold():
        rows = [r for r in rows if q in r.name.casefold() or q in r.authority.casefold()]
    return sorted(rows, key=SORTS.get(filters.get("sort") or "", SORTS["-calibrated"]))


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
