"""When decision and offer mails go out, the state of an offer as its mail tells it, and the
waiting list in the order the replacement table uses."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from kohorte.admissions.models import Application
from kohorte.comms.models import Batch, OutboxMessage
from kohorte.selection import proposal_format as fmt
from kohorte.selection.engine import cohort as engine
from kohorte.selection.models import (
    Decision,
    Offer,
    Proposal,
)
from kohorte.selection.services.offers import UNSENT_MAIL


def decision_send_time(cohort) -> datetime:
    """The decision date (by 15 July in the brochure), 9:00 Berlin time."""
    return timezone.make_aware(datetime.combine(cohort.decision_on, time(9, 0)))


DECISION_EVENTS = ("decision.admitted", "decision.waitlisted", "decision.rejected")


def _decision_mails(**lookup):
    def keys(queryset):
        return queryset.annotate(key=Cast("pk", CharField())).values("key")

    return OutboxMessage.objects.filter(
        Q(
            content_type=ContentType.objects.get_for_model(Decision),
            object_id__in=keys(Decision.objects.filter(**lookup)),
        )
        | Q(
            content_type=ContentType.objects.get_for_model(Offer),
            object_id__in=keys(Offer.objects.filter(**lookup)),
        ),
        event_key__in=DECISION_EVENTS,
    )


def cohort_decision_mails(cohort):
    """The decision mails (offers, waiting list, rejections) of the cohort's applications."""
    return _decision_mails(application__cohort=cohort)


def application_decision_mails(application: Application):
    """The decision mails of one application, newest first."""
    return _decision_mails(application=application).select_related("batch")


@dataclass(frozen=True)
class SendPlan:
    """When the mail of a new offer goes out. ``hold``: with the decision mails, in ``batch``
    (or, without one, in a new batch scheduled for ``send_at``); ``send_at`` is None when that
    batch waits for staff to release it. Not ``hold``: at once."""

    hold: bool
    send_at: datetime | None = None
    batch: Batch | None = None


def offer_send_plan(cohort, *, now=None) -> SendPlan:
    """Before the decision date a new offer waits with the cohort's decision mails (in their
    held or scheduled batch; if none was prepared yet, in a new one for the decision date).
    After it, or once the decision mails are out, it goes out at once."""
    now = now or timezone.now()
    send_at = decision_send_time(cohort)
    if now >= send_at:
        return SendPlan(hold=False)
    mails = cohort_decision_mails(cohort)
    held = (
        mails.filter(batch__state__in=[Batch.State.HELD, Batch.State.SCHEDULED])
        .select_related("batch")
        .order_by("-batch_id")
        .first()
    )
    if held is not None and held.batch is not None:
        return SendPlan(hold=True, send_at=held.batch.scheduled_for, batch=held.batch)
    if mails.exclude(state__in=UNSENT_MAIL).exists():
        return SendPlan(hold=False)  # the decision mails went out early: nothing to wait for
    return SendPlan(hold=True, send_at=send_at)


def offer_state(offer: Offer, message: OutboxMessage | None) -> str:
    """The offer's state as the programme team reads it: a pending offer is "held" until its
    mail is out."""
    if offer.status != Offer.Status.PENDING:
        return offer.get_status_display()
    if message is None or message.state in {
        OutboxMessage.State.CANCELLED,
        OutboxMessage.State.REJECTED,
        OutboxMessage.State.FAILED,
    }:
        return _("offen, Mail nicht verschickt")
    if message.state == OutboxMessage.State.HELD:
        batch = message.batch
        if batch is not None and batch.scheduled_for:
            return _("zurückgehalten bis %(when)s") % {
                "when": formats.date_format(
                    timezone.localtime(batch.scheduled_for), "DATETIME_FORMAT"
                )
            }
        return _("zurückgehalten bis zur Freigabe im Postausgang")
    if message.state == OutboxMessage.State.SENT:
        return _("verschickt, Antwort offen")
    return _("wird gerade verschickt")


def offer_mails(offers) -> dict[int, OutboxMessage]:
    """The offer mail of each offer (one query)."""
    rows = OutboxMessage.objects.filter(
        content_type=ContentType.objects.get_for_model(Offer),
        object_id__in=[str(o.pk) for o in offers],
        event_key="decision.admitted",
    ).select_related("batch")
    return {int(m.object_id): m for m in rows.order_by("created_at", "id")}


def waiting_list(cohort, proposal: Proposal | None = None) -> list[int]:
    """The waiting list in order: position 1 is whom ``optimiser.next_candidate`` names for the
    next free place, position 2 whom it would name if position 1 declined, and so on (each
    re-solved with the proposal's rules and seed). Who cannot move up within the rules follows
    by score and lottery."""
    proposal = proposal or Proposal.current(cohort)
    if proposal is None or proposal.state == Proposal.State.INFEASIBLE:
        return []
    waitlisted = set(
        Decision.objects.filter(
            application__cohort=cohort, is_current=True, outcome=Decision.Outcome.WAITLIST
        ).values_list("application_id", flat=True)
    )
    offers = Offer.objects.filter(application__cohort=cohort)
    if offers.exists():
        kept = set(
            offers.filter(status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED]).values_list(
                "application_id", flat=True
            )
        )
    else:  # before the decision mails: the admitted ones hold the places
        kept = set(
            Decision.objects.filter(
                application__cohort=cohort, is_current=True, outcome=Decision.Outcome.ADMIT
            ).values_list("application_id", flat=True)
        )
    stored = fmt.ProposalData.of(proposal)
    ids = {r["id"] for r in stored.applicants}
    waiting = {fmt.applicant_id(pk) for pk in waitlisted} & ids
    keep = {fmt.applicant_id(pk) for pk in kept} & ids
    if not waiting:
        return []
    fingerprint = hashlib.sha256(
        repr((proposal.pk, sorted(keep), sorted(waiting))).encode()
    ).hexdigest()
    key = f"selection:waitlist:{cohort.pk}:{fingerprint}"
    order = cache.get(key)
    if order is None:
        order = _waiting_order(stored, proposal.seed, keep, waiting, ids)
        cache.set(key, order, 3600)
    return [fmt.application_pk(k) for k in order]


def _waiting_order(stored, seed: int, keep: set[str], waiting: set[str], ids: set[str]):
    applicants = stored.engine_applicants()
    constraints = stored.constraints
    others = ids - keep - waiting
    order: list[str] = []
    remaining = set(waiting)
    while remaining:
        nxt, _dropped = engine.replacement(
            applicants, constraints, seed, keep=keep, exclude=others | (waiting - remaining)
        )
        if nxt is None or nxt not in remaining:
            break
        order.append(nxt)
        remaining.discard(nxt)
    scores = {r["id"]: r["score"] or 0 for r in stored.applicants}
    lottery = stored.lottery
    order += sorted(remaining, key=lambda k: (-scores[k], lottery.get(k, 0), k))
    return order
