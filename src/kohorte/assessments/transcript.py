"""The transcript of records (Leistungsübersicht): what it says, and the signed PDF.

``transcript_content`` gathers the facts (participant, programme, cohort, each module with its
dates, ECTS, German grade, the cohort's ECTS grading table, learning outcomes, EQF level, the
total, the completion decision); ``render_transcript`` renders them in German or English as a
tagged PDF/UA-1 and signs it (PAdES) as the issuer.

The ECTS grading table follows the ECTS Users' Guide 2015 (section 4.3 and annex): for each
passing German grade, the share of all passing grades of the reference group that were this
grade, and the cumulative share. The reference group is the cohort's participants who passed
the same module. With fewer than ``GRADING_TABLE_MIN_GRADES`` passing grades a percentage says
little and would let readers infer single people's grades, so the transcript says "not enough
grades" instead. Passed/failed modules have no grading table.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from kohorte.assessments import grading
from kohorte.assessments.models import Completion
from kohorte.assessments.results import module_results
from kohorte.catalog.models import ModuleRun
from kohorte.core.pdf import render_pdf
from kohorte.teaching.models import Participation

GRADING_TABLE_MIN_GRADES = 10
PASSING_GERMAN_GRADES = tuple(g for g in grading.GERMAN_SCALE if grading.is_pass(g))
SIGNING_LOCATION = "Berlin"


@dataclass(frozen=True)
class GradingRow:
    grade: str  # display form, "1,3"
    count: int
    percent: Decimal
    cumulative: Decimal


@dataclass(frozen=True)
class TranscriptModule:
    number: int
    title: str
    kind: str
    starts_on: date
    ends_on: date
    ects: Decimal
    ects_is_assumption: bool
    grade: str  # display form
    passed: bool
    attempt: int
    graded: bool  # German scale (a grading table applies) or passed/failed
    learning_outcomes: str
    grading_table: tuple[GradingRow, ...] = ()
    reference_size: int = 0


@dataclass
class TranscriptContent:
    participation: Participation
    name: str
    date_of_birth: date | None
    program_title: str
    program_kind: str
    cohort_name: str
    eqf_level: int | None
    eqf_is_assumption: bool
    program_outcomes: list[str]
    modules: list[TranscriptModule] = field(default_factory=list)
    completed_on: date | None = None

    @property
    def total_ects(self) -> Decimal:
        return sum((m.ects for m in self.modules if m.passed), Decimal("0"))

    @property
    def any_assumption(self) -> bool:
        return self.eqf_is_assumption or any(m.ects_is_assumption for m in self.modules)


def grading_table(grades: list[str]) -> tuple[GradingRow, ...]:
    """The ECTS grading table of these passing German grades (codes like "1.3"): one row per
    grade of the scale that occurs, best first; empty below the minimum group size."""
    passing = [g for g in grades if g in PASSING_GERMAN_GRADES]
    if len(passing) < GRADING_TABLE_MIN_GRADES:
        return ()
    counts = Counter(passing)
    rows, running = [], 0
    for code in PASSING_GERMAN_GRADES:
        if not counts[code]:
            continue
        running += counts[code]
        rows.append(
            GradingRow(
                grade=grading.display(code),
                count=counts[code],
                percent=_percent(counts[code], len(passing)),
                cumulative=_percent(running, len(passing)),
            )
        )
    return tuple(rows)


def _percent(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), ROUND_HALF_UP)


def cohort_grades(cohort) -> dict[int, list[str]]:
    """{module id: the passing German grades (codes) the cohort's participants hold}."""
    by_module: dict[int, list[str]] = defaultdict(list)
    results = module_results(Participation.objects.filter(cohort=cohort).values("pk"))
    for per_module in results.values():
        for module_id, result in per_module.items():
            if result.passed and result.grade in PASSING_GERMAN_GRADES:
                by_module[module_id].append(result.grade)
    return by_module


def transcript_content(participation: Participation, *, reference=None) -> TranscriptContent:
    """The transcript's facts in the active language. ``reference``: the cohort's grades per
    module (``cohort_grades``), passed in when issuing many transcripts of one cohort."""
    participation = Participation.objects.select_related("user", "cohort__program").get(
        pk=participation.pk
    )
    cohort = participation.cohort
    program = cohort.program
    reference = cohort_grades(cohort) if reference is None else reference
    results = module_results([participation.pk]).get(participation.pk, {})
    runs = {
        run.pk: run
        for run in ModuleRun.objects.filter(pk__in=[r.run_id for r in results.values()])
        .select_related("module")
        .order_by("module__number")
    }
    modules = []
    for run in runs.values():
        result = results[run.module_id]
        graded = result.grade in grading.GERMAN_SCALE
        modules.append(
            TranscriptModule(
                number=run.module.number,
                title=run.module.title,
                kind=run.module.get_kind_display(),
                starts_on=run.starts_on,
                ends_on=run.ends_on,
                ects=result.ects,
                ects_is_assumption=result.ects_is_assumption,
                grade=result.grade_display,
                passed=result.passed,
                attempt=result.attempt,
                graded=graded,
                learning_outcomes=run.module.learning_outcomes,
                grading_table=grading_table(reference.get(run.module_id, [])) if graded else (),
                reference_size=len(reference.get(run.module_id, [])),
            )
        )
    completion = Completion.objects.current().filter(participation=participation).first()
    return TranscriptContent(
        participation=participation,
        name=participation.name,
        # Kohorte does not ask for a date of birth; a field added later is read here.
        date_of_birth=getattr(participation.user, "date_of_birth", None),
        program_title=program.title,
        program_kind=program.kind,
        cohort_name=cohort.name,
        eqf_level=program.eqf_level,
        eqf_is_assumption=program.assumption_for("eqf_level") is not None,
        program_outcomes=[o.text for o in program.learning_outcomes.all()],
        modules=modules,
        completed_on=completion.completed_on if completion else None,
    )


def render_transcript(
    participation: Participation,
    *,
    language: str,
    version: int,
    issued_at: datetime | None = None,
    reason: str = "",
    reference=None,
    signer=None,
) -> bytes:
    """The transcript as a tagged PDF in ``language``, signed as the issuer."""
    from kohorte.core.signing import sign_pdf

    issued_at = issued_at or timezone.now()
    with translation.override(language):
        content = transcript_content(participation, reference=reference)
        pdf = render_pdf(
            "assessments/transcript_pdf.html",
            {
                "language": language,
                "t": content,
                "version": version,
                "issued_at": issued_at,
                "reason": reason,
                "min_grades": GRADING_TABLE_MIN_GRADES,
                "footer": _("Leistungsübersicht, Fassung %(version)d – Seite")
                % {"version": version},
            },
        )
        title = _("Leistungsübersicht")
    return sign_pdf(pdf, reason=title, location=SIGNING_LOCATION, signer=signer)
