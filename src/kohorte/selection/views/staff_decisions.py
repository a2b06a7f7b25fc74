"""One application for the chair (reviews, lock, decision, offer), the decisions, the offers
and the replacement table."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kohorte.admissions.models import Application
from kohorte.core.forms import add_errors
from kohorte.core.models import AuditLog
from kohorte.selection import access, optimiser, services
from kohorte.selection.access import steer_view
from kohorte.selection.explanations import rule_label
from kohorte.selection.forms import (
    DecisionForm,
    LockForm,
    ReplacementForm,
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
    return render(
        request,
        "selection/decisions.html",
        {
            "cohort": cohort,
            "rows": sorted(rows, key=lambda r: (r.calibrated is None, -(r.calibrated or 0))),
            "proposed": proposed,
            "labels": dict(Decision.Outcome.choices),
            "departures": Decision.objects.departures(cohort).exclude(application_id__in=hidden),
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


@steer_view
def offers(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    hidden = _hidden(request, cohort)
    if request.method == "POST":
        expected, _dropped = optimiser.next_candidate(cohort)
        if expected in hidden:
            messages.error(request, _candidate_hidden())
            return redirect("selection:offers", cohort_id=cohort.pk)
        form = ReplacementForm(request.POST)
        confirmed = form.cleaned_data["application"] if form.is_valid() else None
        if expected is None or confirmed != expected:
            messages.error(
                request, _("Die Lage hat sich geändert; bitte prüfen Sie den neuen Vorschlag.")
            )
            return redirect("selection:offers", cohort_id=cohort.pk)
        application = get_object_or_404(Application, pk=expected, cohort=cohort)
        try:
            services.offer_replacement(application, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Das Angebot an %(name)s ist unterwegs.")
                % {"name": f"{application.first_name} {application.last_name}"},
            )
        return redirect("selection:offers", cohort_id=cohort.pk)
    offers_ = Offer.objects.filter(application__cohort=cohort).select_related("application")
    shown = [o for o in offers_ if o.application_id not in hidden]
    counts = {s: 0 for s, _label in Offer.Status.choices}
    for o in shown:
        counts[o.status] += 1
    candidate_pk, dropped = optimiser.next_candidate(cohort)
    candidate_hidden = candidate_pk in hidden
    if candidate_hidden:
        candidate_pk, dropped = None, []
    candidate = Application.objects.filter(pk=candidate_pk).first() if candidate_pk else None
    numbers = committee_numbers(cohort)
    free = counts["declined"] + counts["expired"] + counts["withdrawn"]
    return render(
        request,
        "selection/offers.html",
        {
            "cohort": cohort,
            "offers": shown,
            "counts": counts,
            "candidate_hidden": _candidate_hidden() if candidate_hidden else "",
            "hidden_notice": hidden_notice(len({o.application_id for o in offers_} & hidden)),
            "candidate": candidate,
            "candidate_score": numbers.calibrated.get(candidate_pk),
            "dropped": [rule_label(k) for k in dropped],
            "free": free,
            "participants": cohort.participations.count(),
        },
    )
