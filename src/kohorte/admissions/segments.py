"""Bulk-mail segments that admissions offers to comms: applicants of a cohort in a state."""

from django.utils.translation import gettext as _

from kohorte.comms.segments import Recipient, Segment


def applicant_segments():
    from kohorte.admissions.models import Application
    from kohorte.catalog.models import Cohort

    states = [*Application.Status.choices, ("incomplete", _("Entwurf, unvollständig"))]
    for cohort in Cohort.objects.exclude(status=Cohort.Status.DRAFT).order_by("-starts_on"):
        for state, label in states:
            yield Segment(
                f"applicants:{cohort.pk}:{state}",
                _("Bewerber:innen im %(cohort)s: %(state)s")
                % {"cohort": cohort.name, "state": label},
                lambda cohort_id=cohort.pk, state=state: _recipients(cohort_id, state),
            )


def _recipients(cohort_id, state):
    from kohorte.admissions.models import Application

    applications = Application.objects.filter(cohort_id=cohort_id).select_related("applicant")
    if state == "incomplete":
        applications = applications.filter(status="draft", is_complete=False)
    else:
        applications = applications.filter(status=state)
    return [
        Recipient(
            a.applicant.email,
            f"{a.first_name} {a.last_name}".strip() or a.applicant.email,
            a.applicant.preferred_language,
            a.applicant_id,
        )
        for a in applications.order_by("last_name", "first_name")
    ]
