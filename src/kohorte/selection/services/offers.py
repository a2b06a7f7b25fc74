"""Offers of a place: created, answered by link, withdrawn, expired; one transition function."""

import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.admissions.models import Application
from kohorte.comms import services as mail
from kohorte.comms.models import Batch, OutboxMessage
from kohorte.core import transitions
from kohorte.core.audit import log_action
from kohorte.core.formatting import in_language
from kohorte.core.tokens import hash_token, new_token, plausible
from kohorte.selection import proposal_format as fmt
from kohorte.selection.engine import cohort as engine
from kohorte.selection.models import (
    Conflict,
    Decision,
    Offer,
    Proposal,
    SelectionSettings,
)
from kohorte.selection.signals import offer_accepted


def offer_links(token: str, language: str) -> dict[str, str]:
    base = settings.KOHORTE_BASE_URL.rstrip("/")
    with override(language):
        url = base + reverse("selection:offer", args=[token])
    return {
        "offer_url": url,
        "accept_url": f"{url}?antwort=ja",
        "decline_url": f"{url}?antwort=nein",
    }


def _respond_by(settings_, start) -> datetime:
    day = timezone.localtime(start).date() + timedelta(days=settings_.offer_days)
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def offer_deadline(cohort, start) -> datetime:
    """The answer deadline of an offer whose mail goes out at ``start``."""
    return _respond_by(SelectionSettings.for_cohort(cohort), start)


def create_offer(
    application: Application, *, actor, batch=None, start=None, replaces=None, data=None
):
    """Offer a place: an Offer row and its mail (held in ``batch`` or sent now). Audited
    (``selection.offer_created``, with ``data``)."""
    cohort = application.cohort
    settings_ = SelectionSettings.for_cohort(cohort)
    start = start or timezone.now()
    token, token_hash = new_token()
    offer = Offer.objects.create(
        application=application,
        token_hash=token_hash,
        respond_by=_respond_by(settings_, start),
        created_by=actor,
        replaces=replaces,
    )
    language = application.applicant.preferred_language
    mail.queue_mail(
        "decision.admitted",
        to=application.applicant.email,
        user=application.applicant,
        context={
            "program_title": cohort.program.title,
            "cohort_name": cohort.name,
            "accept_by": in_language(offer.respond_by, language),
            **offer_links(token, language),
        },
        concerning=offer,
        batch=batch,
    )
    log_action(
        "selection.offer_created",
        actor=actor,
        target=application,
        data={"offer": offer.pk, **(data or {})},
    )
    return offer, token


def cancel_mail(message, *, actor, reason: str) -> None:
    if message is None or message.state not in {
        OutboxMessage.State.HELD,
        OutboxMessage.State.QUEUED,
    }:
        return
    try:
        mail.cancel_message(message, actor=actor, reason=reason)
    except mail.IllegalTransition as exc:  # the worker took it just now
        raise ValidationError(
            _("Die Mail wird gerade versendet. Bitte versuchen Sie es gleich noch einmal.")
        ) from exc


def find_offer(token: str) -> Offer | None:
    if not plausible(token):
        return None
    return (
        Offer.objects.select_related("application__cohort__program", "application__applicant")
        .filter(token_hash=hash_token(token))
        .first()
    )


def set_offer_status(offer: Offer, new_status: str, *, actor=None, data=None, **fields) -> None:
    """The one place that moves an offer between states (``Offer.TRANSITIONS``); refuses
    illegal transitions (also when another request changed the offer meanwhile) and writes the
    audit row ``selection.offer_<new status>`` on the application, with the old and new
    status and ``data``."""
    old_status = transitions.move(
        offer,
        "status",
        new_status,
        Offer.TRANSITIONS,
        _("Dieses Angebot ist nicht mehr offen."),
        **fields,
    )
    log_action(
        f"selection.offer_{new_status}",
        actor=actor,
        target=offer.application,
        data={
            "offer": offer.pk,
            "status": {"old": old_status, "new": new_status},
            **(data or {}),
        },
    )


# A mail in these states has not reached anyone (and, cancelled, never will).
UNSENT_MAIL = {
    OutboxMessage.State.HELD,
    OutboxMessage.State.QUEUED,
    OutboxMessage.State.CANCELLED,
    OutboxMessage.State.REJECTED,
}


def mail_about(obj):
    return OutboxMessage.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=str(obj.pk)
    ).order_by("-created_at", "-id")


def offer_mail(offer: Offer) -> OutboxMessage | None:
    """The mail that carries the offer's links."""
    return mail_about(offer).filter(event_key="decision.admitted").first()


def offer_problem(offer: Offer) -> str | None:
    """Why the offer cannot be answered now, or None: it must be pending, the application's
    current offer under a current "admit" decision, and its mail must have been sent."""
    if offer.status != Offer.Status.PENDING:
        return _("Dieses Angebot ist nicht mehr offen.")
    newest = Offer.objects.filter(application_id=offer.application_id).order_by(
        "-created_at", "-id"
    )[:1]
    current_decision = Decision.objects.filter(
        application_id=offer.application_id, is_current=True
    ).first()
    if newest[0].pk != offer.pk or (
        current_decision is None or current_decision.outcome != Decision.Outcome.ADMIT
    ):
        return _("Dieses Angebot gilt nicht mehr.")
    message = offer_mail(offer)
    if message is None or message.state != OutboxMessage.State.SENT:
        return _(
            "Dieses Angebot gilt noch nicht: Die Mail mit dem Angebot ist noch nicht verschickt."
        )
    return None


def respond_to_offer(offer: Offer, accept: bool, *, now=None) -> Offer:
    """The applicant's answer: only to a current offer whose mail was sent. Past the deadline
    the offer is marked expired (and stays so); no other answer changes anything."""
    now = now or timezone.now()
    expired = False
    with transaction.atomic():
        offer = Offer.objects.select_for_update().get(pk=offer.pk)
        if problem := offer_problem(offer):
            raise ValidationError(problem)
        if now > offer.respond_by:
            set_offer_status(offer, Offer.Status.EXPIRED)
            expired = True
        else:
            set_offer_status(
                offer,
                Offer.Status.ACCEPTED if accept else Offer.Status.DECLINED,
                actor=offer.application.applicant,
                responded_at=now,
            )
            if accept:
                offer_accepted.send(sender=Offer, application=offer.application, offer=offer)
    if expired:
        raise ValidationError(_("Die Frist für dieses Angebot ist abgelaufen."))
    return offer


def withdraw_offer(offer: Offer, *, actor, reason: str) -> Offer:
    """The chair withdraws a pending offer: mark it withdrawn (its link stops working), cancel
    its mail if that is still waiting, and, if the mail went out, tell the person by mail.
    Then the decision can be changed. Audited with the reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte begründen Sie die Rücknahme.")})
    with transaction.atomic():
        offer = (
            Offer.objects.select_for_update()
            .select_related("application__applicant", "application__cohort__program")
            .get(pk=offer.pk)
        )
        application = offer.application
        cohort = application.cohort
        if Conflict.objects.filter(application=application, reviewer=actor).exists():
            raise ValidationError(
                _("Sie sind bei dieser Bewerbung befangen; eine andere Person muss entscheiden.")
            )
        message = offer_mail(offer)
        cancel_mail(message, actor=actor, reason=reason)
        told = message is not None and message.state not in UNSENT_MAIL
        set_offer_status(
            offer,
            Offer.Status.WITHDRAWN,
            actor=actor,
            data={"reason": reason, "mail": "sent" if told else "cancelled"},
        )
        if told:
            mail.queue_mail(
                "decision.offer_withdrawn",
                to=application.applicant.email,
                user=application.applicant,
                context={"program_title": cohort.program.title, "cohort_name": cohort.name},
                concerning=offer,
            )
    return offer


def expire_offers(now=None) -> int:
    now = now or timezone.now()
    expired = list(
        Offer.objects.filter(status=Offer.Status.PENDING, respond_by__lt=now).select_related(
            "application"
        )
    )
    count = 0
    for offer in expired:
        try:
            set_offer_status(offer, Offer.Status.EXPIRED)
        except ValidationError:
            continue  # answered or withdrawn meanwhile
        count += 1
    return count


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
