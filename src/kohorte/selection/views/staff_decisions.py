"""One application for the chair (reviews, lock, decision, offer), the decisions, the offers
and the replacement table."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kohorte.admissions.models import Application
from kohorte.comms import events as mail_events
from kohorte.core.forms import add_errors
from kohorte.core.models import AuditLog
from kohorte.selection import access, optimiser, services
from kohorte.selection.access import steer_view
from kohorte.selection.explanations import rule_label
from kohorte.selection.forms import (
    DecisionForm,
    LockForm,
    OfferConfirmForm,
    WithdrawOfferForm,
)
from kohorte.selection.models import (
    Decision,
    Lock,
    Offer,
    Proposal,
)
from kohorte.selection.proposal_format import ProposalData, applicant_id
from kohorte.selection.rules import can_decide
from kohorte.selection.scoring import committee_numbers
from kohorte.selection.views.staff import _cohort, _explanation, _hidden, _visible_rows
from kohorte.selection.visibility import (
    hidden_notice,
    redact_proposal,
)


@steer_view
def application_detail(request, cohort_id, pk):
    """The chair's view of one application: reviews, numbers, lock, decision, history."""
    cohort = _cohort(request, cohort_id)
    hidden = _hidden(request, cohort)
    application = access.get_application_for_staff(request.user, cohort, pk)
    numbers = committee_numbers(cohort)
    proposal_ = Proposal.current(cohort)
    proposed = services.proposed_outcomes(cohort, proposal_).get(application.pk, "")
    decision = application.decisions.filter(is_current=True).first()
    lock = Lock.objects.filter(application=application).first()
    lock_initial = {"kind": lock.kind if lock else "", "reason": lock.reason if lock else ""}
    pending_offer = application.offers.filter(status=Offer.Status.PENDING).first()
    withdraw_form = WithdrawOfferForm()
    if request.method == "POST" and "withdraw_offer" in request.POST:
        pending_offer = access.get_pending_offer_for_decider(request.user, application)
        withdraw_form = WithdrawOfferForm(request.POST)
        if withdraw_form.is_valid():
            try:
                services.withdraw_offer(
                    pending_offer,
                    actor=request.user,
                    reason=withdraw_form.cleaned_data["withdraw_reason"],
                )
                messages.success(request, _("Das Angebot ist zurückgenommen."))
                return redirect("selection:application", cohort_id=cohort.pk, pk=pk)
            except ValidationError as error:
                add_errors(withdraw_form, error)
    if request.method == "POST" and "withdraw_offer" not in request.POST:
        if "lock" in request.POST:
            lock_form = LockForm(request.POST)
            if lock_form.is_valid():
                try:
                    services.set_lock(
                        application,
                        lock_form.cleaned_data["kind"],
                        lock_form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, _("Die Festlegung ist gespeichert."))
                    return redirect("selection:application", cohort_id=cohort.pk, pk=pk)
                except ValidationError as error:
                    add_errors(lock_form, error)
            decision_form = DecisionForm(initial={"outcome": proposed})
        else:
            lock_form = LockForm(initial=lock_initial)
            decision_form = DecisionForm(request.POST)
            access.require_decider(request.user, cohort)
            if decision_form.is_valid():
                try:
                    services.record_decision(
                        application,
                        decision_form.cleaned_data["outcome"],
                        decision_form.cleaned_data["reason"],
                        actor=request.user,
                    )
                    messages.success(request, _("Die Entscheidung ist gespeichert."))
                    return redirect("selection:decisions", cohort_id=cohort.pk)
                except ValidationError as error:
                    add_errors(decision_form, error)
    else:
        lock_form = LockForm(initial=lock_initial)
        decision_form = DecisionForm(
            initial={
                "outcome": decision.outcome if decision else proposed,
                "reason": decision.reason if decision else "",
            }
        )
    counts = services.review_counts(application)
    short = counts[0] < counts[1]
    reviews = (
        application.assignments.filter(review__submitted_at__isnull=False)
        .select_related("reviewer", "review")
        .prefetch_related("review__scores__criterion")
    )
    history = AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=str(pk)
    ).select_related("actor")
    detail = None
    if proposal_ and proposal_.state == Proposal.State.EXPLAINED:
        shown = ProposalData(redact_proposal(proposal_.data, hidden))
        key = applicant_id(pk)
        d = shown.detail(key)
        detail = _explanation(d, shown.lock_reasons.get(key, "")) if d else None
    return render(
        request,
        "selection/application.html",
        {
            "cohort": cohort,
            "application": application,
            "raw": numbers.raw.get(pk),
            "calibrated": numbers.calibrated.get(pk),
            "stderr": numbers.stderr.get(pk),
            "spread": numbers.spread.get(pk),
            "reviews": reviews,
            "lock_form": lock_form,
            "decision_form": decision_form,
            "decision": decision,
            "pending_offer": pending_offer,
            "offer_mail": services.offer_mail(pending_offer) if pending_offer else None,
            "withdraw_form": withdraw_form,
            "proposed": proposed,
            "proposed_label": dict(Decision.Outcome.choices).get(proposed, ""),
            "explanation": detail,
            "may_decide": can_decide(request.user, cohort),
            "too_few_reviews": services.too_few_reviews_text(*counts) if short else "",
            "mails": [
                {
                    "event": mail_events.EVENTS[m.event_key].label,
                    "state": m.get_state_display(),
                    "when": m.sent_at
                    or (m.batch.scheduled_for if m.batch and m.state == "held" else None),
                    "note": m.last_error if m.state == "cancelled" else "",
                }
                for m in services.application_decision_mails(application)
            ],
            "history": history,
            "documents": application.documents.filter(is_current=True).order_by("kind"),
        },
    )


@steer_view
def decisions(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    if request.method == "POST":
        access.require_decider(request.user, cohort)
        if "follow" in request.POST:
            try:
                n = services.follow_proposal(cohort, actor=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(
                    request, _("%(n)s Entscheidungen nach dem Vorschlag gespeichert.") % {"n": n}
                )
                short = (
                    services.short_of_reviews(cohort)
                    - set(
                        Decision.objects.filter(
                            application__cohort=cohort, is_current=True
                        ).values_list("application_id", flat=True)
                    )
                    - _hidden(request, cohort)
                )
                if short:
                    messages.warning(
                        request,
                        ngettext(
                            "%(n)s Bewerbung hat weniger Gutachten als verlangt; über sie "
                            "entscheiden Sie einzeln, mit Begründung.",
                            "%(n)s Bewerbungen haben weniger Gutachten als verlangt; über sie "
                            "entscheiden Sie einzeln, mit Begründung.",
                            len(short),
                        )
                        % {"n": len(short)},
                    )
        elif "mails" in request.POST:
            batch = services.prepare_decision_mails(cohort, actor=request.user)
            messages.success(
                request,
                _("%(n)s Mails liegen zur Prüfung im Postausgang (Sammelsendung „%(label)s“).")
                % {"n": batch.recipient_count, "label": batch.segment_label},
            )
        return redirect("selection:decisions", cohort_id=cohort.pk)
    current = Proposal.current(cohort)
    proposed = services.proposed_outcomes(cohort, current)
    hidden = _hidden(request, cohort)
    rows, n_hidden = _visible_rows(request, cohort)
    counts = {k: sum(1 for r in rows if r.decision == k) for k, _label in Decision.Outcome.choices}
    departures = list(Decision.objects.departures(cohort).exclude(application_id__in=hidden))
    return render(
        request,
        "selection/decisions.html",
        {
            "cohort": cohort,
            "rows": sorted(rows, key=lambda r: (r.calibrated is None, -(r.calibrated or 0))),
            "proposed": proposed,
            "labels": dict(Decision.Outcome.choices),
            "departures": departures,
            # decided with fewer reviews than required: a departure even where it follows the
            # proposal (the report counts it so, and the table says so too)
            "too_few_ids": {d.application_id for d in departures if d.too_few_reviews},
            "counts": counts,
            "hidden_notice": hidden_notice(n_hidden),
            "undecided": sum(1 for r in rows if not r.decision),
            "may_decide": can_decide(request.user, cohort),
            "proposal": current,
        },
    )


def _candidate_hidden() -> str:
    return _(
        "Ein Platz ist frei. Die nächste Person nach der Ersatztabelle ist für Sie ausgeblendet "
        "(Interessenkonflikt); eine andere Person aus Vorsitz oder Programmteam muss das "
        "Angebot senden."
    )


def _name(application) -> str:
    return f"{application.first_name} {application.last_name}"


def _send_text(plan) -> str:
    """When the offer mail goes out, in one sentence (the confirmation step)."""
    if not plan.hold:
        return _("Die Mail mit dem Angebot geht sofort nach Ihrer Bestätigung hinaus.")
    if plan.send_at is None:
        return _(
            "Die Mail mit dem Angebot wartet mit den anderen Entscheidungsmails im Postausgang "
            "und geht hinaus, sobald jemand diese Sammelsendung freigibt."
        )
    return _(
        "Die Mail mit dem Angebot wird zurückgehalten und geht am %(when)s mit den anderen "
        "Entscheidungsmails hinaus (Tag der Auswahlentscheidung). Bis dahin kann die Person "
        "das Angebot nicht beantworten."
    ) % {"when": date_format(timezone.localtime(plan.send_at), "DATETIME_FORMAT")}


@steer_view
def offers(request, cohort_id):
    """Offers and the waiting list; the offer to the next candidate in two steps (the
    candidate, then a confirmation that says when the mail goes out)."""
    cohort = _cohort(request, cohort_id)
    hidden = _hidden(request, cohort)
    candidate_pk, dropped = optimiser.next_candidate(cohort)
    candidate_hidden = candidate_pk in hidden
    if candidate_hidden:
        candidate_pk, dropped = None, []
    plan = services.offer_send_plan(cohort)
    confirm_form = None
    if request.method == "POST":
        if candidate_hidden:
            messages.error(request, _candidate_hidden())
            return redirect("selection:offers", cohort_id=cohort.pk)
        confirm_form = OfferConfirmForm(request.POST)
        confirmed = confirm_form.cleaned_data["application"] if confirm_form.is_valid() else None
        if candidate_pk is None or confirmed != candidate_pk:
            messages.error(
                request, _("Die Lage hat sich geändert; bitte prüfen Sie den neuen Vorschlag.")
            )
            return redirect("selection:offers", cohort_id=cohort.pk)
        application = get_object_or_404(Application, pk=candidate_pk, cohort=cohort)
        send_now = confirm_form.cleaned_data["send_now"]
        try:
            offer, _token = services.offer_replacement(
                application,
                actor=request.user,
                send_now=send_now,
                reason=confirm_form.cleaned_data["send_now_reason"],
            )
        except ValidationError as error:
            add_errors(confirm_form, error)
        else:
            message = services.offer_mail(offer)
            held = message is not None and message.state == "held"
            messages.success(
                request,
                (
                    _("Das Angebot an %(name)s ist bestätigt; die Mail wird zurückgehalten.")
                    if held
                    else _("Das Angebot an %(name)s ist unterwegs.")
                )
                % {"name": _name(application)},
            )
            return redirect("selection:offers", cohort_id=cohort.pk)
    elif request.GET.get("bestaetigen"):
        confirm_form = OfferConfirmForm(initial={"application": request.GET["bestaetigen"]})
        if str(candidate_pk) != request.GET["bestaetigen"]:
            messages.error(
                request, _("Die Lage hat sich geändert; bitte prüfen Sie den neuen Vorschlag.")
            )
            confirm_form = None
    offers_ = list(
        Offer.objects.filter(application__cohort=cohort)
        .select_related("application")
        .order_by("created_at", "id")
    )
    shown = [o for o in offers_ if o.application_id not in hidden]
    mails = services.offer_mails(shown)
    offer_rows = [
        {"offer": o, "state": services.offer_state(o, mails.get(o.pk)), "mail": mails.get(o.pk)}
        for o in shown
    ]
    counts = {s: 0 for s, _label in Offer.Status.choices}
    for o in shown:
        counts[o.status] += 1
    held = sum(1 for r in offer_rows if r["mail"] is not None and r["mail"].state == "held")
    order = services.waiting_list(cohort)
    people = Application.objects.in_bulk(order)
    numbers = committee_numbers(cohort)
    waiting = [
        {"position": n, "application": people[pk], "score": numbers.calibrated.get(pk)}
        for n, pk in enumerate((pk for pk in order if pk not in hidden and pk in people), 1)
    ]
    candidate = Application.objects.filter(pk=candidate_pk).first() if candidate_pk else None
    free = counts["declined"] + counts["expired"] + counts["withdrawn"]
    return render(
        request,
        "selection/offers.html",
        {
            "cohort": cohort,
            "offer_rows": offer_rows,
            "counts": counts,
            "held": held,
            "waiting": waiting,
            "waiting_hidden": any(pk in hidden for pk in order),
            "candidate_hidden": _candidate_hidden() if candidate_hidden else "",
            "hidden_notice": hidden_notice(
                len(({o.application_id for o in offers_} | set(order)) & hidden)
            ),
            "candidate": candidate,
            "candidate_score": numbers.calibrated.get(candidate_pk),
            "confirm_form": confirm_form,
            "send_text": _send_text(plan),
            "may_hold": plan.hold,
            "respond_by": services.offer_deadline(
                cohort, (plan.send_at or timezone.now()) if plan.hold else timezone.now()
            ),
            "dropped": [rule_label(k) for k in dropped],
            "free": free,
            "participants": cohort.participations.count(),
        },
    )
