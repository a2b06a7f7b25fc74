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


def _name(user) -> str:
    return (user.get_full_name() or user.email) if user else ""


def module_results(participations) -> dict[int, dict[int, ModuleResult]]:
    """{participation id: {module id: result}} for the published grades of these participations
    (a queryset or a list of ids). One query."""
    submissions = (
        Submission.objects.filter(
            participation__in=participations, status=Submission.Status.PUBLISHED
        )
        .select_related("assessment__run", "first_marker", "second_marker")
        # only the columns read below: a cohort's matrix reads thousands of these rows
        .only(
            "participation_id",
            "grade",
            "published_at",
            "assessment__attempt",
            "assessment__max_attempts",
            "assessment__ects",
            "assessment__ects_is_assumption",
            "assessment__run__module_id",
            *(
                f"{marker}__{name}"
                for marker in ("first_marker", "second_marker")
                for name in ("first_name", "last_name", "email")
            ),
        )
        .order_by("assessment__attempt", "published_at", "pk")
    )
    results: dict[int, dict[int, ModuleResult]] = defaultdict(dict)
    for submission in submissions:
        assessment = submission.assessment
        module_id = assessment.run.module_id
        current = results[submission.participation_id].get(module_id)
        if current is not None and current.passed:
            continue  # a later attempt after a pass does not replace it
        markers = tuple(
            name
            for name in (_name(submission.first_marker), _name(submission.second_marker))
            if name
        )
        results[submission.participation_id][module_id] = ModuleResult(
            participation_id=submission.participation_id,
            run_id=assessment.run_id,
            module_id=module_id,
            assessment_id=assessment.pk,
            grade=submission.grade,
            passed=grading.is_pass(submission.grade),
            attempt=assessment.attempt,
            max_attempts=assessment.max_attempts,
            published_at=submission.published_at,
            ects=assessment.ects,
            ects_is_assumption=assessment.ects_is_assumption,
            markers=markers,
        )
    return dict(results)
