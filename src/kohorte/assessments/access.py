"""Who may see which assessment: the object, or the same 404 as for a missing one."""

from django.db.models import Q
from django.http import Http404

from kohorte.admissions.rules import cohorts_visible_to_staff
from kohorte.assessments.models import Assessment, Submission
from kohorte.catalog.models import Cohort
from kohorte.teaching.access import get_participation_for_user, lecturer_runs
from kohorte.teaching.services import personal_runs

FAILED = ("5.0", "failed")


def participant_assessments(participation):
    """The assessments of the person's own runs; a resit only if they failed the attempt before."""
    own = Q(attempt=1) | Q(
        resit_of__submissions__participation=participation,
        resit_of__submissions__status=Submission.Status.PUBLISHED,
        resit_of__submissions__grade__in=FAILED,
    )
    return (
        Assessment.objects.filter(own, run__in=personal_runs(participation).values("pk"))
        .select_related("run__module")
        .distinct()
        .order_by("run__starts_on", "attempt")
    )


def get_assessment_for_participant(user, pk):
    participation = get_participation_for_user(user)
    assessment = participant_assessments(participation).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return participation, assessment


def staff_cohort_ids(user):
    if not user.is_authenticated:
        return Cohort.objects.none().values("pk")
    return cohorts_visible_to_staff(user, Cohort.objects.all()).values("pk")


def marker_assessments(user):
    """What a lecturer marks (the runs they teach) and what programme staff see (all of their
    programme's cohorts)."""
    if not user.is_authenticated:
        return Assessment.objects.none()
    return (
        Assessment.objects.filter(
            Q(run__in=lecturer_runs(user).values("pk")) | Q(run__cohort__in=staff_cohort_ids(user))
        )
        .select_related("run__module", "run__cohort__program")
        .order_by("run__cohort__starts_on", "run__starts_on", "attempt")
    )


def get_assessment_for_marker(user, pk) -> Assessment:
    assessment = marker_assessments(user).filter(pk=pk).first()
    if assessment is None:
        raise Http404
    return assessment


def is_staff_for(user, assessment: Assessment) -> bool:
    return staff_cohort_ids(user).filter(pk=assessment.run.cohort_id).exists()


def get_submission(assessment: Assessment, candidate_number) -> Submission:
    submission = (
        assessment.submissions.select_related("participation__user", "participation__cohort")
        .filter(candidate_number=candidate_number)
        .first()
    )
    if submission is None:
        raise Http404
    return submission
