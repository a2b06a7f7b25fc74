"""Selection: the only place that changes the selection's data. Views call these."""

import random
import secrets
from datetime import datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.admissions.models import Application
from kohorte.comms import services as mail
from kohorte.comms.models import OutboxMessage
from kohorte.core.audit import log_action
from kohorte.core.formatting import in_language
from kohorte.core.tokens import hash_token, new_token, plausible
from kohorte.selection.engine import assignment as engine_assignment
from kohorte.selection.models import (
    Assignment,
    CommitteeMember,
    Conflict,
    ConflictRule,
    Criterion,
    Decision,
    Lock,
    Offer,
    Proposal,
    Review,
    Score,
    SelectionSettings,
)
from kohorte.selection.optimiser import application_pk
from kohorte.selection.signals import offer_accepted


def reviewable(cohort):
    """The applications the committee reviews: submitted and meeting the requirements."""
    return Application.objects.filter(
        cohort=cohort, status=Application.Status.SUBMITTED, is_eligible=True
    )


def active_reviewers(cohort) -> list[CommitteeMember]:
    return list(
        CommitteeMember.objects.filter(cohort=cohort, reviews=True, left_at__isnull=True)
        .select_related("user")
        .order_by("user_id")
    )


# --- conflicts -----------------------------------------------------------------------------
def _norm(text: str) -> str:
    return " ".join((text or "").casefold().split())


def detect_conflicts(cohort) -> int:
    """Apply the cohort's active rules; record each conflict found. Returns how many are new."""
    kinds = set(cohort.conflict_rules.filter(active=True).values_list("kind", flat=True))
    if not kinds:
        return 0
    members = CommitteeMember.objects.filter(cohort=cohort).select_related("user")
    applications = list(
        Application.objects.filter(cohort=cohort, status=Application.Status.SUBMITTED)
        .select_related("applicant")
        .only("id", "authority", "applicant__email")
    )
    existing = conflict_pairs(cohort)
    new = []
    for member in members:
        own = _norm(member.authority)
        declared = {
            _norm(line) for line in member.declared_authorities.splitlines() if line.strip()
        }
        domain = member.user.email.rsplit("@", 1)[-1].lower()
        for application in applications:
            if (application.pk, member.user_id) in existing:
                continue
            authority = _norm(application.authority)
            reason = None
            if "same_authority" in kinds and own and authority == own:
                reason = _("gleiche Behörde")
            elif "declared_authority" in kinds and authority and authority in declared:
                reason = _("Behörde aus der eigenen Erklärung")
            elif (
                "same_email_domain" in kinds
                and application.applicant.email.rsplit("@", 1)[-1].lower() == domain
            ):
                reason = _("gleiche E-Mail-Domain")
            if reason:
                new.append(
                    Conflict(
                        application=application,
                        reviewer=member.user,
                        source=Conflict.Source.RULE,
                        reason=reason,
                    )
                )
                existing.add((application.pk, member.user_id))
    Conflict.objects.bulk_create(new, ignore_conflicts=True)
    # a conflict found after assignment removes the open assignment
    found = {(c.application_id, c.reviewer_id) for c in new}
    if found:
        open_ = Assignment.objects.filter(
            application__cohort=cohort, review__submitted_at__isnull=True
        ).values_list("pk", "application_id", "reviewer_id")
        Assignment.objects.filter(pk__in=[pk for pk, a, r in open_ if (a, r) in found]).delete()
    return len(new)


def conflict_pairs(cohort) -> set[tuple[int, int]]:
    return set(
        Conflict.objects.filter(application__cohort=cohort).values_list(
            "application_id", "reviewer_id"
        )
    )


# --- assignment ----------------------------------------------------------------------------
def _problem(cohort, *, seed: int, keep_open: bool):
    settings_ = SelectionSettings.for_cohort(cohort)
    members = active_reviewers(cohort)
    active_ids = {m.user_id for m in members}
    app_ids = list(reviewable(cohort).order_by("id").values_list("id", flat=True))
    existing = Assignment.objects.filter(application__cohort=cohort).values_list(
        "application_id", "reviewer_id", "review__id"
    )
    # written (or started) reviews are kept, also of reviewers who left; open assignments of
    # active reviewers are kept when only the gaps are to be filled
    fixed = {
        (a, r)
        for a, r, review_id in existing
        if review_id is not None or (keep_open and r in active_ids)
    }
    capacity = (
        {m.user_id: m.capacity or 1 for m in members} if any(m.capacity for m in members) else {}
    )
    problem = engine_assignment.Problem(
        applications=app_ids,
        reviewers=[m.user_id for m in members],
        per_application=settings_.reviews_per_application,
        capacity=capacity,
        conflicts=conflict_pairs(cohort),
        fixed=fixed,
        seed=seed,
    )
    return problem, settings_


def precheck(cohort) -> dict[int, int]:
    """Applications with too few reviewers free of conflict: application id -> how many."""
    problem, _settings = _problem(cohort, seed=0, keep_open=True)
    return engine_assignment.precheck(problem)


@transaction.atomic
def assign_reviewers(
    cohort, *, actor, seed: int | None = None, keep_open: bool = True, notify: bool = True
):
    """Assign reviewers (engine.assignment). ``keep_open=False`` recomputes every assignment
    that has no review yet; ``True`` keeps them and only fills the gaps (after someone left).
    Written reviews are always kept. The seed is recorded."""
    seed = seed if seed is not None else secrets.randbelow(10**6)
    detect_conflicts(cohort)
    problem, settings_ = _problem(cohort, seed=seed, keep_open=keep_open)
    plan = engine_assignment.assign(problem)
    wanted = plan.pairs | problem.fixed
    current = dict(
        ((a, r), pk)
        for pk, a, r in Assignment.objects.filter(application__cohort=cohort).values_list(
            "pk", "application_id", "reviewer_id"
        )
    )
    Assignment.objects.filter(
        pk__in=[pk for pair, pk in current.items() if pair not in wanted], review__isnull=True
    ).delete()
    Assignment.objects.bulk_create(
        [Assignment(application_id=a, reviewer_id=r) for a, r in sorted(wanted - set(current))],
        batch_size=1000,
    )
    settings_.assignment_seed = seed
    settings_.save(update_fields=["assignment_seed"])
    log_action(
        "selection.assigned",
        actor=actor,
        target=cohort,
        data={
            "seed": seed,
            "keep_open": keep_open,
            "assignments": len(wanted),
            "short": {str(k): v for k, v in plan.short.items()},
            "connected": plan.connected,
        },
    )
    if notify:
        _notify_reviewers(cohort)
    return plan


def _notify_reviewers(cohort) -> None:
    """One mail per reviewer with open reviews: a count and a link, never a name."""
    base = settings.KOHORTE_BASE_URL.rstrip("/")
    open_counts = (
        Assignment.objects.filter(application__cohort=cohort)
        .filter(Q(review__isnull=True) | Q(review__submitted_at__isnull=True))
        .values("reviewer")
        .annotate(n=Count("id"))
    )
    counts = {row["reviewer"]: row["n"] for row in open_counts}
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    for member in active_reviewers(cohort):
        if not counts.get(member.user_id):
            continue
        with override(member.user.preferred_language):
            url = base + reverse("selection:reviewer_home", args=[cohort.pk])
        mail.queue_mail(
            "selection.assigned",
            to=member.user.email,
            user=member.user,
            context={
                "program_title": cohort.program.title,
                "cohort_name": cohort.name,
                "count": str(counts[member.user_id]),
                "review_url": url,
            },
            idempotency_key=f"selection.assigned:{cohort.pk}:{member.user_id}:{stamp}",
        )


@transaction.atomic
def reviewer_leaves(member: CommitteeMember, *, actor):
    """A reviewer drops out: open assignments go to the others, written reviews stay."""
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    Assignment.objects.filter(
        application__cohort=member.cohort, reviewer=member.user, review__isnull=True
    ).delete()
    log_action("selection.reviewer_left", actor=actor, target=member)
    return assign_reviewers(member.cohort, actor=actor, keep_open=True)


@transaction.atomic
def declare_authorities(member: CommitteeMember, text: str, *, actor) -> int:
    """A member declares in advance the authorities they are conflicted with (one per line).
    Conflicts are found at once; open assignments that now conflict go to others."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    member.declared_authorities = "\n".join(lines)[:5000]
    member.save(update_fields=["declared_authorities"])
    ConflictRule.objects.get_or_create(
        cohort=member.cohort, kind=ConflictRule.Kind.DECLARED_AUTHORITY
    )
    found = detect_conflicts(member.cohort)
    log_action("selection.authorities_declared", actor=actor, target=member)
    if found and Assignment.objects.filter(application__cohort=member.cohort).exists():
        assign_reviewers(member.cohort, actor=actor, keep_open=True, notify=False)
    return found


@transaction.atomic
def move_assignment(assignment: Assignment, reviewer, *, actor) -> Assignment:
    """Give one assignment to another reviewer by hand (only before a review is started)."""
    if hasattr(assignment, "review"):
        raise ValidationError(_("Zu dieser Zuteilung gibt es schon ein Gutachten."))
    cohort = assignment.application.cohort
    if not CommitteeMember.objects.filter(
        cohort=cohort, user=reviewer, reviews=True, left_at__isnull=True
    ).exists():
        raise ValidationError({"reviewer": _("Diese Person begutachtet in diesem Jahrgang nicht.")})
    if Conflict.objects.filter(application=assignment.application, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("Diese Person ist bei dieser Bewerbung befangen.")})
    if Assignment.objects.filter(application=assignment.application, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("Diese Person begutachtet die Bewerbung schon.")})
    old = assignment.reviewer
    assignment.reviewer, assignment.source = reviewer, Assignment.Source.MANUAL
    assignment.save(update_fields=["reviewer", "source"])
    log_action(
        "selection.assignment_moved",
        actor=actor,
        target=assignment,
        data={"from": old.pk, "to": reviewer.pk},
    )
    return assignment


@transaction.atomic
def declare_conflict(assignment: Assignment, reason: str, *, actor) -> Assignment | None:
    """The reviewer declares a conflict: the assignment goes to the least-loaded free reviewer."""
    if getattr(assignment, "review", None) and assignment.review.submitted_at:
        raise ValidationError(_("Das Gutachten ist schon abgegeben."))
    application = assignment.application
    Conflict.objects.get_or_create(
        application=application,
        reviewer=assignment.reviewer,
        defaults={"source": Conflict.Source.DECLARED, "reason": reason[:300]},
    )
    assignment.delete()
    log_action("selection.conflict_declared", actor=actor, target=application)
    cohort = application.cohort
    taken = set(application.assignments.values_list("reviewer_id", flat=True))
    blocked = set(application.conflicts.values_list("reviewer_id", flat=True))
    loads = dict(
        Assignment.objects.filter(application__cohort=cohort)
        .values_list("reviewer")
        .annotate(n=Count("id"))
    )
    free = [m.user for m in active_reviewers(cohort) if m.user_id not in taken | blocked]
    if not free:
        return None
    rng = random.Random(application.pk)  # noqa: S311 (a tie-break, not a secret)
    free.sort(key=lambda u: (loads.get(u.pk, 0), rng.random()))
    return Assignment.objects.create(application=application, reviewer=free[0])


# --- reviews -------------------------------------------------------------------------------
def weighted_total(values: dict[int, int], criteria: list[Criterion]) -> Decimal:
    total_weight = sum(c.weight for c in criteria)
    value = sum(Decimal(values[c.pk]) * c.weight for c in criteria) / total_weight
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def others_visible(assignment: Assignment, settings_: SelectionSettings | None = None) -> bool:
    """Whether the reviewer can see other reviews of this application: their own is submitted,
    the cohort shows the others after one's own, and at least one other is submitted."""
    settings_ = settings_ or SelectionSettings.for_cohort(assignment.application.cohort)
    return (
        settings_.show_other_reviews
        and Review.objects.filter(assignment=assignment, submitted_at__isnull=False).exists()
        and Review.objects.filter(
            assignment__application_id=assignment.application_id, submitted_at__isnull=False
        )
        .exclude(assignment=assignment)
        .exists()
    )


def review_frozen(assignment: Assignment, settings_: SelectionSettings | None = None) -> bool:
    """A review cannot be changed once the others are visible to its author, if the cohort
    says so (``freeze_after_seeing_others``)."""
    settings_ = settings_ or SelectionSettings.for_cohort(assignment.application.cohort)
    return settings_.freeze_after_seeing_others and others_visible(assignment, settings_)


def _points(value) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def save_review(assignment: Assignment, data: dict, *, submit: bool, actor) -> Review:
    """Store scores, comments and confidence. ``submit`` needs every criterion scored.

    The first submission is audited as ``selection.review_submitted``; every later one (a
    revision) as ``selection.review_revised`` with the old and new total and the old and new
    score of every criterion. Refused once the review is frozen (``review_frozen``)."""
    criteria = list(assignment.application.cohort.criteria.all())
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    if review.submitted_at and not submit:
        raise ValidationError(_("Das Gutachten ist schon abgegeben."))
    if review.submitted_at and review_frozen(assignment):
        raise ValidationError(
            _(
                "Sie haben die anderen Gutachten zu dieser Bewerbung schon sehen können; nach den "
                "Regeln des Jahrgangs lässt sich Ihr Gutachten nicht mehr ändern."
            )
        )
    revision = review.submitted_at is not None
    before = {s.criterion_id: s.value for s in review.scores.all()} if revision else {}
    old_total, old_confidence, old_comment = review.total, review.confidence, review.comment
    values = {c.pk: data.get(f"score_{c.pk}") for c in criteria}
    if submit:
        errors = {
            f"score_{c.pk}": _("Bitte vergeben Sie für „%(criterion)s“ 1 bis 5 Punkte.")
            % {"criterion": c.label}
            for c in criteria
            if values[c.pk] in (None, "")
        }
        if not data.get("confidence"):
            errors["confidence"] = _("Bitte geben Sie an, wie sicher Sie sich sind.")
        if errors:
            raise ValidationError(errors)
    for c in criteria:
        Score.objects.update_or_create(
            review=review,
            criterion=c,
            defaults={
                "value": values[c.pk] or None,
                "comment": data.get(f"comment_{c.pk}", ""),
            },
        )
    review.confidence = data.get("confidence") or None
    review.comment = data.get("comment", "")
    if submit:
        review.total = weighted_total({k: int(v) for k, v in values.items()}, criteria)
        review.submitted_at = review.submitted_at or timezone.now()
    review.save()
    if submit and not revision:
        log_action("selection.review_submitted", actor=actor, target=assignment)
    elif revision:
        log_action(
            "selection.review_revised",
            actor=actor,
            target=assignment,
            data={
                "reviewer": assignment.reviewer_id,
                "application": assignment.application_id,
                "total": {"old": _points(old_total), "new": _points(review.total)},
                "scores": {
                    c.key: {"old": before.get(c.pk), "new": int(values[c.pk])} for c in criteria
                },
                "confidence": {
                    "old": old_confidence,
                    "new": int(review.confidence) if review.confidence else None,
                },
                "comment_changed": old_comment != review.comment,
            },
        )
    return review


# --- locks ---------------------------------------------------------------------------------
@transaction.atomic
def set_lock(application: Application, kind: str | None, reason: str, *, actor) -> None:
    if kind in (None, ""):
        Lock.objects.filter(application=application).delete()
        log_action("selection.unlocked", actor=actor, target=application)
        return
    if not reason.strip():
        raise ValidationError({"reason": _("Bitte begründen Sie die Festlegung.")})
    Lock.objects.update_or_create(
        application=application,
        defaults={"kind": kind, "reason": reason.strip(), "created_by": actor},
    )
    log_action(
        "selection.locked", actor=actor, target=application, data={"kind": kind, "reason": reason}
    )


# --- decisions -----------------------------------------------------------------------------
def proposed_outcomes(cohort, proposal) -> dict[int, str]:
    """What the proposal suggests per application: admit (selected), waitlist (the next in
    line who could be selected, as many as there are seats), reject (the rest)."""
    if proposal is None or proposal.state == proposal.State.INFEASIBLE:
        return {}
    applicants = proposal.data.get("applicants", [])
    result = proposal.data.get("result", {})
    selected = set(result.get("selected", []))
    lottery = result.get("lottery", {})
    next_in_line = [
        a["id"]
        for a in sorted(applicants, key=lambda a: (-(a["score"] or 0), lottery.get(a["id"], 0)))
        if a["id"] not in selected
        and a["eligible"]
        and a.get("lock") != "out"
        and a.get("reviews", 1)
    ]
    waitlist = set(next_in_line[: proposal.data.get("seats", 25)])
    return {
        application_pk(a["id"]): Decision.Outcome.ADMIT
        if a["id"] in selected
        else Decision.Outcome.WAITLIST
        if a["id"] in waitlist
        else Decision.Outcome.REJECT
        for a in applicants
    }


@transaction.atomic
def record_decision(
    application: Application, outcome: str, reason: str, *, actor, proposal=None, proposed=None
):
    """The chair's decision. Departing from the proposal needs a reason. Audited with the
    proposal that stood at that moment (``proposed``: its suggestion, if already known)."""
    proposal = proposal or Proposal.current(application.cohort)
    if proposed is None:
        proposed = proposed_outcomes(application.cohort, proposal).get(application.pk, "")
    reason = (reason or "").strip()
    if Conflict.objects.filter(application=application, reviewer=actor).exists():
        raise ValidationError(
            _("Sie sind bei dieser Bewerbung befangen; eine andere Person muss entscheiden.")
        )
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
    )
    log_action(
        "selection.decided",
        actor=actor,
        target=application,
        data={
            "outcome": outcome,
            "proposed": proposed,
            "reason": reason,
            "proposal": proposal.pk if proposal else None,
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
        _cancel_mail(message, actor=actor, reason=reason)
        set_offer_status(offer, Offer.Status.WITHDRAWN)
        log_action(
            "selection.offer_withdrawn",
            actor=actor,
            target=application,
            data={"offer": offer.pk, "reason": reason, "mail": "cancelled"},
        )
    for message in mail_about(previous):
        if message.state in {OutboxMessage.State.HELD, OutboxMessage.State.QUEUED}:
            _cancel_mail(message, actor=actor, reason=reason)


def _cancel_mail(message, *, actor, reason: str) -> None:
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


@transaction.atomic
def follow_proposal(cohort, *, actor) -> int:
    """Record the proposal's outcome for every application that has no decision yet."""
    proposal = Proposal.current(cohort)
    outcomes = proposed_outcomes(cohort, proposal)
    decided = set(
        Decision.objects.filter(application__cohort=cohort, is_current=True).values_list(
            "application_id", flat=True
        )
    )
    count = 0
    for application in Application.objects.filter(pk__in=set(outcomes) - decided):
        outcome = outcomes[application.pk]
        record_decision(application, outcome, "", actor=actor, proposal=proposal, proposed=outcome)
        count += 1
    return count


# --- offers --------------------------------------------------------------------------------
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
    day = start.date() + timedelta(days=settings_.offer_days)
    return timezone.make_aware(datetime.combine(day, time(23, 59)))


def create_offer(application: Application, *, actor, batch=None, start=None, replaces=None):
    """Offer a place: an Offer row and its mail (held in ``batch`` or sent now)."""
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
    log_action("selection.offer_created", actor=actor, target=application)
    return offer, token


def decision_send_time(cohort) -> datetime:
    """The decision date (by 15 July in the brochure), 9:00 Berlin time."""
    return timezone.make_aware(datetime.combine(cohort.decision_on, time(9, 0)))


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
def offer_replacement(application: Application, *, actor):
    """Staff confirm the next candidate for a free place: a decision and an offer, sent now."""
    if Offer.objects.filter(
        application=application, status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED]
    ).exists():
        raise ValidationError(_("Diese Person hat schon ein offenes Angebot."))
    replaced = (
        Offer.objects.filter(
            application__cohort=application.cohort,
            status__in=[Offer.Status.DECLINED, Offer.Status.EXPIRED, Offer.Status.WITHDRAWN],
        )
        .order_by("-responded_at", "-created_at")
        .first()
    )
    record_decision(
        application,
        Decision.Outcome.ADMIT,
        _("Nachrücken auf einen frei gewordenen Platz (Ersatztabelle des Vorschlags)."),
        actor=actor,
    )
    return create_offer(application, actor=actor, replaces=replaced)


def find_offer(token: str) -> Offer | None:
    if not plausible(token):
        return None
    return (
        Offer.objects.select_related("application__cohort__program", "application__applicant")
        .filter(token_hash=hash_token(token))
        .first()
    )


def set_offer_status(offer: Offer, new_status: str, **fields) -> None:
    """The one place that moves an offer between states; refuses illegal transitions (also
    when another request changed the offer meanwhile)."""
    if new_status not in Offer.TRANSITIONS[Offer.Status(offer.status)]:
        raise ValidationError(_("Dieses Angebot ist nicht mehr offen."))
    updated = Offer.objects.filter(pk=offer.pk, status=offer.status).update(
        status=new_status, **fields
    )
    if not updated:
        raise ValidationError(_("Dieses Angebot ist nicht mehr offen."))
    offer.status = new_status
    for name, value in fields.items():
        setattr(offer, name, value)


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
            log_action("selection.offer_expired", target=offer.application)
            expired = True
        else:
            set_offer_status(
                offer,
                Offer.Status.ACCEPTED if accept else Offer.Status.DECLINED,
                responded_at=now,
            )
            log_action(
                "selection.offer_accepted" if accept else "selection.offer_declined",
                actor=offer.application.applicant,
                target=offer.application,
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
        _cancel_mail(message, actor=actor, reason=reason)
        set_offer_status(offer, Offer.Status.WITHDRAWN)
        told = message is not None and message.state not in UNSENT_MAIL
        if told:
            mail.queue_mail(
                "decision.offer_withdrawn",
                to=application.applicant.email,
                user=application.applicant,
                context={"program_title": cohort.program.title, "cohort_name": cohort.name},
                concerning=offer,
            )
        log_action(
            "selection.offer_withdrawn",
            actor=actor,
            target=application,
            data={"offer": offer.pk, "reason": reason, "mail": "sent" if told else "cancelled"},
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
        log_action("selection.offer_expired", target=offer.application)
        count += 1
    return count
