"""What a participant achieved in each module: the published grade that counts.

One reading for the progress view, the completion engine, the transcript and the credit record:
per participant and module, a passing attempt counts (the first one that passed); otherwise the
latest published attempt (a failed one). Unpublished marks count for nothing.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from kohorte.assessments import grading
from kohorte.assessments.models import Submission


@dataclass(frozen=True)
class ModuleResult:
    participation_id: int
    run_id: int
    module_id: int
    assessment_id: int
    grade: str
    passed: bool
    attempt: int
    max_attempts: int
    published_at: datetime | None
    ects: Decimal
    ects_is_assumption: bool
    markers: tuple[str, ...]

    @property
    def grade_display(self) -> str:
        return grading.display(self.grade)

    @property
    def attempts_left(self) -> int:
        return 0 if self.passed else max(self.max_attempts - self.attempt, 0)


def _name(first: str | None, last: str | None, email: str | None) -> str:
    """A marker's name as ``User.get_full_name() or email`` reads it ("" without a marker)."""
    if email is None:
        return ""
    return f"{first} {last}".strip() or email


_MARKERS = tuple(
    f"{marker}__{name}"
    for marker in ("first_marker", "second_marker")
    for name in ("first_name", "last_name", "email")
)


def module_results(participations) -> dict[int, dict[int, ModuleResult]]:
    """{participation id: {module id: result}} for the published grades of these participations
    (a queryset or a list of ids). One query, read as tuples: a cohort's matrix reads thousands
    of these rows, and model instances (with their translated run) would cost most of its time."""
    rows = (
        Submission.objects.filter(
            participation__in=participations, status=Submission.Status.PUBLISHED
        )
        .order_by("assessment__attempt", "published_at", "pk")
        .values_list(
            "participation_id",
            "grade",
            "published_at",
            "assessment_id",
            "assessment__attempt",
            "assessment__max_attempts",
            "assessment__ects",
            "assessment__ects_is_assumption",
            "assessment__run_id",
            "assessment__run__module_id",
            *_MARKERS,
        )
    )
    results: dict[int, dict[int, ModuleResult]] = defaultdict(dict)
    names: dict[tuple, tuple[str, ...]] = {}
    for (
        participation_id,
        grade,
        published_at,
        assessment_id,
        attempt,
        max_attempts,
        ects,
        ects_is_assumption,
        run_id,
        module_id,
        *marker_columns,
    ) in rows:
        own = results[participation_id]
        current = own.get(module_id)
        if current is not None and current.passed:
            continue  # a later attempt after a pass does not replace it
        key = tuple(marker_columns)
        markers = names.get(key)
        if markers is None:
            markers = names[key] = tuple(
                name for name in (_name(*key[:3]), _name(*key[3:])) if name
            )
        own[module_id] = ModuleResult(
            participation_id=participation_id,
            run_id=run_id,
            module_id=module_id,
            assessment_id=assessment_id,
            grade=grade,
            passed=grading.is_pass(grade),
            attempt=attempt,
            max_attempts=max_attempts,
            published_at=published_at,
            ects=ects,
            ects_is_assumption=ects_is_assumption,
            markers=markers,
        )
    return dict(results)
