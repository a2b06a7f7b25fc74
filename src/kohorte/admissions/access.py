"""Who reaches which admissions object. Every view loads what a person may see through these
helpers; each answers the same 404 for an object that does not exist and for one that belongs to
someone else, so that a URL tells nothing about what exists. The rules themselves are in
rules.py."""

from django.http import Http404
from django.shortcuts import get_object_or_404

from kohorte.admissions import services
from kohorte.admissions.models import Application, CohortSettings, Document, RefereeRequest
from kohorte.admissions.rules import cohorts_visible_to_staff, staff_program_ids
from kohorte.catalog import queries as catalog_queries
from kohorte.catalog.models import Cohort
from kohorte.core.access import login_and

# Staff of at least one program (or a superuser); each view then scopes by program.
staff_view = login_and(lambda user: staff_program_ids(user) != set())

OPEN_REFEREE_STATES = [RefereeRequest.Status.REQUESTED, RefereeRequest.Status.REMINDED]


# --- the applicant ---------------------------------------------------------------------------
def get_cohort_for_applicant(program_slug: str, cohort_slug: str) -> Cohort:
    """A published cohort of a published programme (404 otherwise)."""
    program = catalog_queries.get_program(program_slug)
    cohort = catalog_queries.pick_cohort(
        catalog_queries.published_cohorts(program), cohort_slug, strict=True
    )
    if cohort is None:  # a programme without a published cohort
        raise Http404
    return cohort


def find_application_for_applicant(user, cohort: Cohort) -> Application | None:
    """The person's own application to the cohort, if they have started one. The lookup is by
    the person: another person's application can never be reached."""
    application: Application | None = (
        Application.objects.select_related("cohort__program")
        .filter(cohort=cohort, applicant=user)
        .first()
    )
    return application


def get_application_for_applicant(user, program_slug: str, cohort_slug: str) -> Application:
    """The person's own application to the cohort: 404 for an unknown cohort and for a cohort
    they have not applied to (whoever else did)."""
    application = find_application_for_applicant(
        user, get_cohort_for_applicant(program_slug, cohort_slug)
    )
    if application is None:
        raise Http404
    return application


def get_document_for_applicant(user, application: Application, pk) -> Document:
    """One of the documents of the person's own application that they may download: their own
    uploads, and the referee's letter only if the cohort shows it to applicants."""
    if application.applicant_id != user.pk:
        raise Http404
    sources = [Document.Source.APPLICANT]
    if CohortSettings.for_cohort(application.cohort).applicant_sees_letter:
        sources.append(Document.Source.REFEREE)
    document: Document = get_object_or_404(
        Document, pk=pk, application=application, source__in=sources
    )
    return document


def find_open_referee_request_for_applicant(user, application: Application):
    """The open (requested or reminded) referee request of the person's own application, if
    any; ``None`` for a draft not saved yet and for anyone else's application."""
    if application.pk is None or application.applicant_id != user.pk:
        return None
    return application.referee_requests.filter(status__in=OPEN_REFEREE_STATES).first()


# --- the referee (no account: the token is the key) -------------------------------------------
def find_referee_request_for_token(token: str) -> RefereeRequest | None:
    """The referee request the secret link belongs to, whatever its state (the page explains a
    used, replaced or expired link); ``None`` for an unknown token."""
    return services.find_referee_request(token)


# --- program staff ---------------------------------------------------------------------------
def cohorts_for_staff(user):
    """The cohorts of the programmes ``user`` is staff of."""
    return cohorts_visible_to_staff(user, Cohort.objects.select_related("program"))


def get_cohort_for_staff(user, cohort_id) -> Cohort:
    """A cohort of a programme ``user`` is staff of."""
    cohort: Cohort = get_object_or_404(cohorts_for_staff(user), pk=cohort_id)
    return cohort


def get_application_for_staff(user, cohort_id, uuid) -> Application:
    """An application (any state) of a cohort ``user`` is staff of."""
    cohort = get_cohort_for_staff(user, cohort_id)
    application: Application = get_object_or_404(
        Application.objects.select_related("applicant", "cohort__program"), cohort=cohort, uuid=uuid
    )
    return application


def get_document_for_staff(user, application: Application, pk) -> Document:
    """A document of an application ``user`` is staff for (404 for another application's)."""
    if not cohorts_for_staff(user).filter(pk=application.cohort_id).exists():
        raise Http404
    document: Document = get_object_or_404(Document, pk=pk, application=application)
    return document
