"""The decision as the applicant's portal shows it: registered with admissions as its decision
provider (see ``admissions/outcomes.py``), so that admissions never imports selection.

A decision is shown only once its mail is released (queued, sending or sent): until then the
chair may still change it, and the applicant must not learn it before the mail goes out.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from kohorte.admissions.outcomes import DecisionStatus
from kohorte.comms.models import OutboxMessage
from kohorte.selection import services
from kohorte.selection.models import Decision, Offer, Proposal
from kohorte.selection.proposal_format import ProposalData, application_pk

RELEASED = [
    OutboxMessage.State.QUEUED,
    OutboxMessage.State.SENDING,
    OutboxMessage.State.SENT,
]


def _released(obj) -> bool:
    return OutboxMessage.objects.filter(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=str(obj.pk),
        state__in=RELEASED,
    ).exists()


def _released_offer(application) -> Offer | None:
    offer = Offer.objects.filter(application=application).order_by("-created_at", "-id").first()
    return offer if offer is not None and _released(offer) else None


def waitlist_order(cohort) -> list[int]:
    """The waiting list in order (application ids): the current proposal's order (score, then
    lottery) among those waiting now; people without a proposal row come last, in order of
    decision."""
    waiting = list(
        Decision.objects.filter(
            application__cohort=cohort, is_current=True, outcome=Decision.Outcome.WAITLIST
        )
        .exclude(application__offers__status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED])
        .order_by("decided_at", "id")
        .values_list("application_id", flat=True)
    )
    proposal = Proposal.current(cohort)
    order: dict[int, tuple] = {}
    if proposal is not None:
        stored = ProposalData.of(proposal)
        lottery = stored.lottery
        for row in stored.applicants:
            pk = application_pk(row["id"])
            order[pk] = (-(row.get("score") or 0), lottery.get(row["id"], 0))
    last = (float("inf"), 0)
    return sorted(waiting, key=lambda pk: (order.get(pk, last), waiting.index(pk)))


def waitlist_position(application) -> int | None:
    """The place on the waiting list (``waitlist_order``), or None when not waiting."""
    ranked = waitlist_order(application.cohort)
    return ranked.index(application.pk) + 1 if application.pk in ranked else None


def decision_status(application) -> DecisionStatus | None:
    decision = Decision.objects.filter(application=application, is_current=True).first()
    if decision is None:
        return None
    if decision.outcome == Decision.Outcome.ADMIT:
        offer = _released_offer(application)
        if offer is None:
            return None
        return DecisionStatus(
            outcome=decision.outcome,
            offer_status=offer.status,
            respond_by=offer.respond_by,
            responded_at=offer.responded_at,
            answerable=services.offer_problem(offer) is None,
        )
    if not _released(decision):
        return None
    return DecisionStatus(
        outcome=decision.outcome,
        waitlist_position=waitlist_position(application)
        if decision.outcome == Decision.Outcome.WAITLIST
        else None,
    )


def answer_offer(application, accept: bool, *, actor) -> None:
    """Answer the pending offer whose mail is out, through the same service as the mail's link."""
    offer = _released_offer(application)
    if offer is None or offer.status != Offer.Status.PENDING:
        raise ValidationError(_("Dieses Angebot ist nicht mehr offen."))
    services.respond_to_offer(offer, accept)
