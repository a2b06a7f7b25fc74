"""Offers of a place: created, answered by link, withdrawn, expired; one transition function."""

from datetime import datetime, time, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.admissions.models import Application
from kohorte.comms import services as mail
from kohorte.comms.models import OutboxMessage
from kohorte.core import transitions
from kohorte.core.audit import log_action
from kohorte.core.formatting import in_language
from kohorte.core.tokens import hash_token, new_token, plausible
from kohorte.selection.models import (
    Conflict,
    Decision,
    Offer,
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
