"""The chair's decisions: locks, the proposal's suggestion, decisions, their mails."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.admissions.models import Application
from kohorte.comms import services as mail
from kohorte.comms.models import OutboxMessage
from kohorte.core.audit import log_action
from kohorte.selection.models import (
    Conflict,
    Decision,
    Lock,
    Offer,
    Proposal,
    Review,
    SelectionSettings,
)
from kohorte.selection.proposal_format import ProposalData, application_pk
from kohorte.selection.services.offers import (
    UNSENT_MAIL,
    cancel_mail,
    create_offer,
    mail_about,
    offer_mail,
    set_offer_status,
)
from kohorte.selection.services.waiting import decision_send_time, offer_send_plan


@transaction.atomic
def set_lock(application: Application, kind: str | None, reason: str, *, actor) -> None:
    """Put an applicant in or out of the optimiser's cohort (or lift it), with a reason.
    Audited with the lock before and after."""
    old = Lock.objects.filter(application=application).first()
    before = {"kind": old.kind, "reason": old.reason} if old else None
    if kind in (None, ""):
        Lock.objects.filter(application=application).delete()
        log_action(
            "selection.unlocked",
            actor=actor,
            target=application,
            data={"before": before, "after": None},
        )
        return
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte begründen Sie die Festlegung.")})
    Lock.objects.update_or_create(
        application=application,
        defaults={"kind": kind, "reason": reason.strip(), "created_by": actor},
    )
    log_action(
        "selection.locked",
        actor=actor,
        target=application,
        data={
            "kind": kind,
            "reason": reason,
            "before": before,
            "after": {"kind": kind, "reason": reason.strip()},
        },
    )


def proposed_outcomes(cohort, proposal) -> dict[int, str]:
    """What the proposal suggests per application: admit (selected), waitlist (the next in
    line who could be selected, as many as there are seats), reject (the rest)."""
    if proposal is None or proposal.state == proposal.State.INFEASIBLE:
        return {}
    stored = ProposalData.of(proposal)
    applicants = stored.applicants
    selected = set(stored.selected)
    lottery = stored.lottery
    next_in_line = [
        a["id"]
        for a in sorted(applicants, key=lambda a: (-(a["score"] or 0), lottery.get(a["id"], 0)))
        if a["id"] not in selected
        and a["eligible"]
        and a.get("lock") != "out"
        and a.get("reviews", 1)
    ]
    waitlist = set(next_in_line[: stored.seats])
    return {
        application_pk(a["id"]): Decision.Outcome.ADMIT
        if a["id"] in selected
        else Decision.Outcome.WAITLIST
        if a["id"] in waitlist
        else Decision.Outcome.REJECT
        for a in applicants
    }


def review_counts(application: Application) -> tuple[int, int]:
    """The application's submitted reviews and how many the cohort requires."""
    required = SelectionSettings.for_cohort(application.cohort).reviews_per_application
    submitted = Review.objects.filter(
        assignment__application=application, submitted_at__isnull=False
    ).count()
    return submitted, required


def too_few_reviews_text(reviews: int, required: int) -> str:
    """Why a reason is needed (the form's error at the reason field)."""
    return _(
        "Für diese Bewerbung liegen erst %(reviews)s von %(required)s verlangten Gutachten vor. "
        "Bitte begründen Sie, warum Sie trotzdem entscheiden; die Entscheidung zählt als "
        "Abweichung vom Vorschlag."
    ) % {"reviews": reviews, "required": required}


@transaction.atomic
def record_decision(
    application: Application, outcome: str, reason: str, *, actor, proposal=None, proposed=None
):
    """The chair's decision. Departing from the proposal needs a reason, and so does deciding
    with fewer submitted reviews than the cohort requires (such a decision counts as a
    departure). Audited with the proposal that stood at that moment (``proposed``: its
    suggestion, if already known) and the review counts."""
    proposal = proposal or Proposal.current(application.cohort)
    if proposed is None:
        proposed = proposed_outcomes(application.cohort, proposal).get(application.pk, "")
    reason = (reason or "").strip()
    if Conflict.objects.filter(application=application, reviewer=actor).exists():
        raise ValidationError(
            _("Sie sind bei dieser Bewerbung befangen; eine andere Person muss entscheiden.")
        )
    reviews, required = review_counts(application)
    too_few = reviews < required
    if too_few and not reason:
        raise ValidationError({"reason": too_few_reviews_text(reviews, required)})
    if proposed and outcome != proposed and not reason:
        raise ValidationError(
            {"reason": _("Sie weichen vom Vorschlag ab. Bitte begründen Sie die Entscheidung.")}
        )
    if Offer.objects.filter(application=application, status=Offer.Status.ACCEPTED).exists():
        raise ValidationError(_("Das Angebot ist schon angenommen."))
    previous = Decision.objects.filter(application=application, is_current=True).first()
    if previous is not None and previous.outcome != outcome:
        _retract_unsent(application, previous, actor=actor)
    Decision.objects.filter(application=application, is_current=True).update(is_current=False)
    decision = Decision.objects.create(
        application=application,
        outcome=outcome,
        proposed=proposed,
        reason=reason,
        proposal=proposal,
        decided_by=actor,
        review_count=reviews,
        too_few_reviews=too_few,
    )
    log_action(
        "selection.decided",
        actor=actor,
        target=application,
        data={
            "outcome": outcome,
            "proposed": proposed,
            "reason": reason,
            "reviews": {"submitted": reviews, "required": required},
            "proposal": proposal.pk if proposal else None,
            "before": previous.outcome if previous is not None else None,
            "after": outcome,
        },
    )
    return decision


def _retract_unsent(application: Application, previous: Decision, *, actor) -> None:
    """A decision changes: cancel what the old one still had waiting in the outbox. A pending
    offer whose mail is not out yet is withdrawn with it; one whose mail went out must first be
    withdrawn explicitly (``withdraw_offer``), which tells the person."""
    reason = _("Die Entscheidung wurde geändert.")
    offer = (
        Offer.objects.select_for_update()
        .filter(application=application, status=Offer.Status.PENDING)
        .first()
    )
    if offer is not None:
        message = offer_mail(offer)
        if message is not None and message.state not in UNSENT_MAIL:
            raise ValidationError(
                _(
                    "Das Angebot an diese Person ist schon verschickt. Nehmen Sie es zuerst "
                    "ausdrücklich zurück (mit Begründung; die Person erhält eine Mail), dann "
                    "können Sie die Entscheidung ändern."
                )
            )
        cancel_mail(message, actor=actor, reason=reason)
        set_offer_status(
            offer, Offer.Status.WITHDRAWN, actor=actor, data={"reason": reason, "mail": "cancelled"}
        )
    for message in mail_about(previous):
        if message.state in {OutboxMessage.State.HELD, OutboxMessage.State.QUEUED}:
            cancel_mail(message, actor=actor, reason=reason)


def short_of_reviews(cohort) -> set[int]:
    """The cohort's submitted applications with fewer submitted reviews than required."""
    required = SelectionSettings.for_cohort(cohort).reviews_per_application
    counts = dict(
        Application.objects.filter(cohort=cohort, status=Application.Status.SUBMITTED)
        .annotate(n=Count("assignments", filter=Q(assignments__review__submitted_at__isnull=False)))
        .values_list("pk", "n")
    )
    return {pk for pk, n in counts.items() if n < required}


@transaction.atomic
def follow_proposal(cohort, *, actor) -> int:
    """Record the proposal's outcome for every application that has no decision yet, except
    those with fewer reviews than required (they need a decision of their own, with a reason)."""
    proposal = Proposal.current(cohort)
    outcomes = proposed_outcomes(cohort, proposal)
    decided = set(
        Decision.objects.filter(application__cohort=cohort, is_current=True).values_list(
            "application_id", flat=True
        )
    )
    open_ = set(outcomes) - decided - short_of_reviews(cohort)
    count = 0
    for application in Application.objects.filter(pk__in=open_):
        outcome = outcomes[application.pk]
        record_decision(application, outcome, "", actor=actor, proposal=proposal, proposed=outcome)
        count += 1
    return count


@transaction.atomic
def prepare_decision_mails(cohort, *, actor):
    """Every current decision gets its mail, held in one batch for review and scheduled for the
    decision date (held without a date if that is past). Admitted applicants get an offer."""
    send_at = decision_send_time(cohort)
    batch = mail.open_event_batch(
        label=_("Auswahlentscheidungen – %(cohort)s") % {"cohort": cohort.name},
        description=_("Zusagen mit Angebot, Wartelisten-Mitteilungen und Absagen."),
        scheduled_for=send_at,
        actor=actor,
    )
    decisions = Decision.objects.filter(application__cohort=cohort, is_current=True).select_related(
        "application__applicant", "application__cohort__program"
    )
    already = set(
        Offer.objects.filter(
            application__cohort=cohort,
            status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED],
        ).values_list("application_id", flat=True)
    )
    start = max(send_at, timezone.now())
    for decision in decisions:
        application = decision.application
        if decision.outcome == Decision.Outcome.ADMIT:
            if application.pk not in already:
                create_offer(application, actor=actor, batch=batch, start=start)
            continue
        mail.queue_mail(
            "decision.waitlisted"
            if decision.outcome == Decision.Outcome.WAITLIST
            else "decision.rejected",
            to=application.applicant.email,
            user=application.applicant,
            context={"program_title": cohort.program.title, "cohort_name": cohort.name},
            concerning=decision,
            batch=batch,
        )
    mail.close_event_batch(batch)
    log_action("selection.decision_mails", actor=actor, target=cohort, data={"batch": batch.pk})
    return batch


@transaction.atomic
def offer_replacement(application: Application, *, actor, send_now: bool = False, reason=""):
    """Staff confirm the next candidate for a free place: a decision and an offer. Before the
    decision date the offer mail waits with the other decision mails (``offer_send_plan``)
    unless ``send_now`` is chosen with a reason; after it, the mail goes out at once. The
    person's waiting-list mail is withdrawn if it has not gone out yet (if it has, the offer
    follows it). Audited (``selection.offer_created``) with when the mail goes out, the
    reason and what became of the waiting-list mail."""
    cohort = application.cohort
    if Offer.objects.filter(
        application=application, status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED]
    ).exists():
        raise ValidationError(_("Diese Person hat schon ein offenes Angebot."))
    reason = (reason or "").strip()
    plan = offer_send_plan(cohort)
    if send_now and plan.hold and not reason:
        raise ValidationError(
            {
                "send_now_reason": _(
                    "Bitte begründen Sie, warum die Mail vor dem Entscheidungstag hinausgeht."
                )
            }
        )
    hold = plan.hold and not send_now
    replaced = (
        Offer.objects.filter(
            application__cohort=cohort,
            status__in=[Offer.Status.DECLINED, Offer.Status.EXPIRED, Offer.Status.WITHDRAWN],
        )
        .order_by("-responded_at", "-created_at")
        .first()
    )
    waitlist_mail = _withdraw_waitlist_mail(application, actor=actor)
    record_decision(
        application,
        Decision.Outcome.ADMIT,
        _("Nachrücken auf einen frei gewordenen Platz (Ersatztabelle des Vorschlags)."),
        actor=actor,
    )
    batch = None
    start = None
    if hold:
        batch = plan.batch
        if batch is None:
            batch = mail.open_event_batch(
                label=_("Auswahlentscheidungen – %(cohort)s") % {"cohort": cohort.name},
                description=_("Zusagen mit Angebot, Wartelisten-Mitteilungen und Absagen."),
                scheduled_for=plan.send_at,
                actor=actor,
            )
        start = max(plan.send_at or timezone.now(), timezone.now())
    offer, token = create_offer(
        application,
        actor=actor,
        batch=batch,
        start=start,
        replaces=replaced,
        data={
            "mail": "held" if hold else "now",
            "send_at": plan.send_at.isoformat() if hold and plan.send_at else None,
            "batch": batch.pk if batch else None,
            "send_now_reason": reason if send_now and plan.hold else "",
            "waitlist_mail": waitlist_mail,
        },
    )
    if batch is not None:
        mail.close_event_batch(batch)
    return offer, token


def _withdraw_waitlist_mail(application: Application, *, actor) -> str:
    """Cancel the person's waiting-list mail that has not gone out, so that they never get it
    after the offer. Returns what became of it: "cancelled", "sent" (the offer follows it;
    nothing to withdraw) or "none"."""
    decision = Decision.objects.filter(
        application=application, is_current=True, outcome=Decision.Outcome.WAITLIST
    ).first()
    if decision is None:
        return "none"
    messages = list(mail_about(decision).filter(event_key="decision.waitlisted"))
    result = "none"
    for message in messages:
        if message.state in {OutboxMessage.State.HELD, OutboxMessage.State.QUEUED}:
            cancel_mail(
                message,
                actor=actor,
                reason=_("Die Person erhält stattdessen das Angebot eines Platzes."),
            )
            result = "cancelled" if result == "none" else result
        elif message.state not in UNSENT_MAIL:
            result = "sent"
    return result
