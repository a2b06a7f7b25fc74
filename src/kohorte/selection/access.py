"""Who reaches which selection object. Every view gets its objects through these helpers; each
answers the same 404 for an object that does not exist and for one the person may not see, so
that a URL tells nothing about what exists. The rules themselves are in rules.py; the
applications a chair or staff member is conflicted with are in visibility.py."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from kohorte.admissions.models import Application
from kohorte.admissions.rules import staff_program_ids
from kohorte.catalog.models import Cohort
from kohorte.core.access import login_and
from kohorte.selection.models import Assignment, CommitteeMember, Offer, Proposal
from kohorte.selection.rules import can_decide, can_steer, is_committee
from kohorte.selection.visibility import hidden_applications


def may_steer_any(user) -> bool:
    """Program staff somewhere, or the chair of some cohort."""
    return staff_program_ids(user) != set() or user.memberships.filter(role="chair").exists()


def is_member_anywhere(user) -> bool:
    return user.memberships.filter(role__in=["reviewer", "chair"]).exists()


# view decorators: log-in first, then 404 for anyone without any such role
steer_view = login_and(may_steer_any)
member_view = login_and(is_member_anywhere)


# --- committee members (reviewers) -----------------------------------------------------------
def get_cohort_for_reviewer(user, cohort_id) -> Cohort:
    """A cohort whose committee ``user`` sits on."""
    cohort: Cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    if not is_committee(user, cohort):
        raise Http404
    return cohort


def assignments_of_reviewer(user, cohort):
    """The reviewer's own assignments in the cohort (a conflict removes one)."""
    return (
        Assignment.objects.filter(application__cohort=cohort, reviewer=user)
        .select_related("review")
        .order_by("pk")
    )


def get_assignment_for_reviewer(user, cohort, pk) -> Assignment:
    """One of the reviewer's own assignments: the only way a reviewer reaches an application."""
    return get_object_or_404(
        Assignment.objects.select_related("application__applicant", "application__cohort__program"),
        pk=pk,
        reviewer=user,
        application__cohort=cohort,
    )


def get_member_for_reviewer(user, cohort) -> CommitteeMember | None:
    return CommitteeMember.objects.filter(cohort=cohort, user=user).first()


# --- chair and program team ------------------------------------------------------------------
def get_cohort_for_staff(user, cohort_id) -> Cohort:
    """A cohort the chair or program staff member ``user`` steers."""
    cohort: Cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    if not can_steer(user, cohort):
        raise Http404
    return cohort


def require_decider(user, cohort) -> None:
    """Decisions are the chair's: anyone else steering the cohort gets the same 404."""
    if not can_decide(user, cohort):
        raise Http404


def get_application_for_staff(user, cohort, pk) -> Application:
    """A submitted application of the cohort that ``user`` is not conflicted with."""
    if pk in hidden_applications(user, cohort):
        raise Http404
    return get_object_or_404(
        Application.objects.select_related("applicant"), pk=pk, cohort=cohort, status="submitted"
    )


def get_assignment_for_staff(user, cohort, pk) -> Assignment:
    """An assignment of the cohort whose application ``user`` is not conflicted with."""
    return get_object_or_404(
        Assignment.objects.exclude(application_id__in=hidden_applications(user, cohort)),
        pk=pk,
        application__cohort=cohort,
    )


def get_active_member_for_staff(cohort, member_id) -> CommitteeMember:
    return get_object_or_404(CommitteeMember, pk=member_id, cohort=cohort, left_at__isnull=True)


def get_proposal_for_staff(cohort, pk) -> Proposal:
    return get_object_or_404(Proposal, pk=pk, cohort=cohort)


def get_pending_offer_for_decider(user, application) -> Offer:
    """The application's pending offer, for the one who may withdraw it (404 otherwise)."""
    offer = application.offers.filter(status=Offer.Status.PENDING).first()
    if offer is None or not can_decide(user, application.cohort):
        raise Http404
    return offer
