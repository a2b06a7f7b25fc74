"""The tasks of the day for programme staff, read in a fixed number of queries.

The back office composes the apps (like the demo and the CLI), so it may read every stage of the
lifecycle; no app imports it.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from kohorte.admissions.models import Application
from kohorte.admissions.rules import cohorts_visible_to_staff
from kohorte.catalog.models import Cohort
from kohorte.comms.models import Batch, OutboxMessage
from kohorte.selection.models import Assignment, Decision, Offer

EXPIRING_DAYS = 3


@dataclass
class CohortTasks:
    cohort: Cohort
    submitted_undecided: int = 0
    drafts_complete: int = 0
    reviews_missing: int = 0
    offers_expiring: int = 0
    offers_pending: int = 0

    @property
    def anything(self) -> bool:
        return any(
            [
                self.submitted_undecided,
                self.drafts_complete,
                self.reviews_missing,
                self.offers_pending,
            ]
        )


@dataclass
class Tasks:
    cohorts: list[CohortTasks] = field(default_factory=list)
    mails_held: int = 0
    mails_failed: int = 0
    batches_waiting: int = 0


def _by_cohort(queryset, cohort_field: str) -> dict[int, int]:
    return dict(
        queryset.values_list(cohort_field).annotate(n=Count("pk")).values_list(cohort_field, "n")
    )


def tasks_for(user, now=None) -> Tasks:
    """What is waiting for this staff member today, per running cohort of their programmes."""
    now = now or timezone.now()
    cohorts = list(
        cohorts_visible_to_staff(
            user,
            Cohort.objects.exclude(status__in=[Cohort.Status.DRAFT, Cohort.Status.COMPLETED]),
        )
        .select_related("program")
        .order_by("program__slug", "-starts_on")
    )
    ids = [c.pk for c in cohorts]
    decided = Decision.objects.filter(is_current=True).values("application_id")
    submitted = _by_cohort(
        Application.objects.filter(cohort_id__in=ids, status=Application.Status.SUBMITTED).exclude(
            pk__in=decided
        ),
        "cohort_id",
    )
    drafts = _by_cohort(
        Application.objects.filter(
            cohort_id__in=ids, status=Application.Status.DRAFT, is_complete=True
        ),
        "cohort_id",
    )
    reviews = _by_cohort(
        Assignment.objects.filter(application__cohort_id__in=ids).filter(
            Q(review__isnull=True) | Q(review__submitted_at__isnull=True)
        ),
        "application__cohort_id",
    )
    pending = Offer.objects.filter(application__cohort_id__in=ids, status=Offer.Status.PENDING)
    offers = _by_cohort(pending, "application__cohort_id")
    expiring = _by_cohort(
        pending.filter(respond_by__lte=now + timedelta(days=EXPIRING_DAYS)),
        "application__cohort_id",
    )
    mails = dict(
        OutboxMessage.objects.filter(
            state__in=[OutboxMessage.State.HELD, OutboxMessage.State.FAILED]
        )
        .values_list("state")
        .annotate(n=Count("pk"))
        .values_list("state", "n")
    )
    return Tasks(
        cohorts=[
            CohortTasks(
                cohort=c,
                submitted_undecided=submitted.get(c.pk, 0),
                drafts_complete=drafts.get(c.pk, 0),
                reviews_missing=reviews.get(c.pk, 0),
                offers_expiring=expiring.get(c.pk, 0),
                offers_pending=offers.get(c.pk, 0),
            )
            for c in cohorts
        ],
        mails_held=mails.get(OutboxMessage.State.HELD, 0),
        mails_failed=mails.get(OutboxMessage.State.FAILED, 0),
        batches_waiting=Batch.objects.filter(
            state__in=[Batch.State.HELD, Batch.State.SCHEDULED]
        ).count(),
    )
