"""The chair's and the program team's pages: committee and assignment, ranking, reliability,
the optimiser, decisions, offers, the report."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohorte.admissions.models import Application
from kohorte.admissions.rules import staff_program_ids
from kohorte.catalog.models import Cohort
from kohorte.core import tables
from kohorte.core.access import login_and
from kohorte.core.forms import add_errors
from kohorte.core.models import AuditLog
from kohorte.selection import optimiser, services
from kohorte.selection.explanations import offset_sentence, rule_label, sentence
from kohorte.selection.forms import (
    AssignForm,
    ConstraintsForm,
    DecisionForm,
    LockForm,
    MoveForm,
    RankingFilter,
    WithdrawOfferForm,
)
from kohorte.selection.models import (
    Assignment,
    CommitteeMember,
    Decision,
    Lock,
    Offer,
    Proposal,
    SelectionSettings,
)
from kohorte.selection.ranking import export_rows, filter_rows, ranking_rows
from kohorte.selection.rules import can_decide, can_steer
from kohorte.selection.scoring import committee_numbers, committee_reliability
from kohorte.selection.visibility import (
    hidden_applications,
    hidden_label,
    hidden_notice,
    keys_for_text,
    redact_proposal,
)


def _may_steer_any(user) -> bool:
    return staff_program_ids(user) != set() or user.memberships.filter(role="chair").exists()


steer_view = login_and(_may_steer_any)


def _cohort(request, cohort_id) -> Cohort:
    cohort = get_object_or_404(Cohort.objects.select_related("program"), pk=cohort_id)
    if not can_steer(request.user, cohort):
        raise Http404
    return cohort


def _hidden(request, cohort) -> set[int]:
    """The applications the person asking has a conflict with (visibility.py)."""
    return hidden_applications(request.user, cohort)


def _offset_sentences(numbers, members) -> dict[int, str]:
    """Per member with reviews shared with others: how they score, in one sentence."""
    return {
        m.user_id: offset_sentence(
            str(m.user), numbers.offset[m.user_id], numbers.shared.get(m.user_id, 0)
        )
        for m in members
        if m.user_id in numbers.offset
    }


def _visible_rows(request, cohort):
    """The ranking's rows without the applications the person asking is in conflict with,
    and how many were left out."""
    rows = ranking_rows(cohort, viewer=request.user)
    hidden = _hidden(request, cohort)
    return [r for r in rows if r.pk not in hidden], sum(1 for r in rows if r.pk in hidden)


@steer_view
def cohorts(request):
    programs = staff_program_ids(request.user)
    queryset = Cohort.objects.select_related("program")
    visible = queryset.filter(
        Q(memberships__user=request.user, memberships__role="chair")
        | (Q() if programs is None else Q(program_id__in=programs))
    ).distinct()
    return render(request, "selection/staff_cohorts.html", {"cohorts": visible})


@steer_view
def dashboard(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    if request.method == "POST":
        form = AssignForm(request.POST)
        if form.is_valid():
            plan = services.assign_reviewers(
                cohort,
                actor=request.user,
                seed=form.cleaned_data["seed"],
                keep_open=form.cleaned_data["mode"] == "fill",
            )
            messages.success(
                request,
                _("Zuteilung gespeichert (Startwert %(seed)s).") % {"seed": plan.seed}
                if plan.connected
                else _(
                    "Zuteilung gespeichert. Achtung: Die Kommission zerfällt in %(n)s Gruppen "
                    "ohne gemeinsame Bewerbungen; die Kalibrierung ist dann nur innerhalb der "
                    "Gruppen aussagekräftig."
                )
                % {"n": plan.components},
            )
            return redirect("selection:dashboard", cohort_id=cohort.pk)
    else:
        form = AssignForm()
    settings_ = SelectionSettings.for_cohort(cohort)
    members = list(CommitteeMember.objects.filter(cohort=cohort).select_related("user"))
    loads = {
        row["reviewer"]: row
        for row in Assignment.objects.filter(application__cohort=cohort)
        .values("reviewer")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(review__submitted_at__isnull=False)),
        )
    }
    sentences = _offset_sentences(committee_numbers(cohort), members)
    rows = []
    for m in members:
        load = loads.get(m.user_id, {"total": 0, "done": 0})
        rows.append(
            {
                "member": m,
                "total": load["total"],
                "done": load["done"],
                "sentence": sentences.get(m.user_id, ""),
            }
        )
    hidden = _hidden(request, cohort)
    short = services.precheck(cohort)
    short_apps = Application.objects.filter(pk__in=set(short) - hidden).only(
        "pk", "first_name", "last_name"
    )
    return render(
        request,
        "selection/dashboard.html",
        {
            "cohort": cohort,
            "settings": settings_,
            "rows": rows,
            "form": form,
            "short": [(a, short[a.pk]) for a in short_apps],
            "short_hidden": hidden_notice(len(set(short) & hidden)),
            "reviewable": services.reviewable(cohort).count(),
            "assigned": Assignment.objects.filter(application__cohort=cohort).count(),
        },
    )


@steer_view
@require_POST
def member_leaves(request, cohort_id, member_id):
    cohort = _cohort(request, cohort_id)
    member = get_object_or_404(CommitteeMember, pk=member_id, cohort=cohort, left_at__isnull=True)
    services.reviewer_leaves(member, actor=request.user)
    messages.success(
        request,
        _("%(name)s ist ausgeschieden; offene Bewerbungen sind neu verteilt.")
        % {"name": member.user},
    )
    return redirect("selection:dashboard", cohort_id=cohort.pk)


@steer_view
def assignment_list(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    members = services.active_reviewers(cohort)
    hidden = _hidden(request, cohort)
    queryset = (
        Assignment.objects.filter(application__cohort=cohort)
        .exclude(application_id__in=hidden)
        .select_related("application", "reviewer", "review")
        .order_by("application__last_name", "application_id", "pk")
    )
    page = Paginator(queryset, 50).get_page(request.GET.get("seite"))
    return render(
        request,
        "selection/assignment_list.html",
        {"cohort": cohort, "page": page, "move_form": MoveForm(members=members)},
    )


@steer_view
@require_POST
def assignment_move(request, cohort_id, pk):
    cohort = _cohort(request, cohort_id)
    assignment = get_object_or_404(
        Assignment.objects.exclude(application_id__in=_hidden(request, cohort)),
        pk=pk,
        application__cohort=cohort,
    )
    form = MoveForm(request.POST, members=services.active_reviewers(cohort))
    if form.is_valid():
        from kohorte.accounts.models import User

        try:
            services.move_assignment(
                assignment, User.objects.get(pk=form.cleaned_data["reviewer"]), actor=request.user
            )
            messages.success(request, _("Die Zuteilung ist geändert."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    else:
        messages.error(request, _("Bitte wählen Sie eine Person aus der Liste."))
    return redirect("selection:assignments", cohort_id=cohort.pk)


@steer_view
def ranking(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    form = RankingFilter(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    rows, hidden = _visible_rows(request, cohort)
    rows = filter_rows(rows, filters)
    page = Paginator(rows, filters.get("per_page") or 50).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "selection/ranking.html",
        {
            "cohort": cohort,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "count": len(rows),
            "hidden_notice": hidden_notice(hidden),
        },
    )


@steer_view
def ranking_export(request, cohort_id, fmt):
    cohort = _cohort(request, cohort_id)
    form = RankingFilter(request.GET or None)
    rows = filter_rows(
        _visible_rows(request, cohort)[0], form.cleaned_data if form.is_valid() else {}
    )
    columns, data = export_rows(rows)
    return tables.response(data, columns, fmt, f"rangliste-{cohort.slug}", _("Rangliste"))


@steer_view
def reliability(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    result = committee_reliability(cohort)
    numbers = committee_numbers(cohort)
    members = CommitteeMember.objects.filter(cohort=cohort).select_related("user")
    return render(
        request,
        "selection/reliability.html",
        {
            "cohort": cohort,
            "result": result,
            "offsets": list(_offset_sentences(numbers, members).values()),
            "sigma": numbers.sigma,
        },
    )


def _explanation(detail, lock_reason: str = "") -> str:
    """One applicant's sentence from a redacted detail (a hidden one reads "ausgeblendet")."""
    return sentence(
        {**detail, "blocked_by": keys_for_text(detail.get("blocked_by", []))}, lock_reason
    )


def _labels(keys) -> list[str]:
    return [rule_label(k) for k in keys_for_text(keys)]


def _proposal_context(cohort, proposal, hidden: set[int]):
    if proposal is None:
        return {}
    data = redact_proposal(proposal.data, hidden)
    result = data["result"]
    details = result.get("details", {})
    replacements = result.get("replacements", {})
    chosen = set(result["selected"])
    applications = {
        a.pk: a
        for a in Application.objects.filter(cohort=cohort, status="submitted")
        .exclude(pk__in=hidden)
        .only("pk", "first_name", "last_name")
    }

    def person(key):
        return applications.get(optimiser.application_pk(key)) if key else None

    def why(row):
        detail = details.get(row["id"])
        return _explanation(detail, row.get("lock_reason", "")) if detail else ""

    def replacement(key):
        entry = replacements.get(key, {})
        return hidden_label() if entry.get("next_hidden") else person(entry.get("next"))

    by_score = sorted(data["applicants"], key=lambda r: -(r["score"] or 0))
    selected = [
        {
            "row": r,
            "application": person(r["id"]),
            "explanation": why(r),
            "replacement": replacement(r["id"]),
            "dropped": _labels(replacements.get(r["id"], {}).get("dropped", [])),
        }
        for r in by_score
        if r["id"] in chosen
    ]
    others = [
        {"row": r, "application": person(r["id"]), "explanation": why(r)}
        for r in by_score
        if r["id"] not in chosen
    ]
    return {
        "proposal": proposal,
        "objective": result["objective"],
        "binding": _labels(result.get("binding", [])),
        "conflicts": _labels(result.get("conflicts", [])),
        "selected": selected,
        "others": others,
        "hidden_notice": hidden_notice(data.get("redacted", {}).get("applicants", 0)),
    }


@steer_view
def proposal(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    settings_ = SelectionSettings.for_cohort(cohort)
    if request.method == "POST":
        form = ConstraintsForm(request.POST)
        if form.is_valid():
            form.save_to(settings_)
            new = optimiser.propose(cohort, actor=request.user, seed=form.cleaned_data.get("seed"))
            if new.state == Proposal.State.INFEASIBLE:
                messages.error(request, _("Mit diesen Regeln gibt es keine gültige Auswahl."))
            else:
                messages.success(request, _("Der Vorschlag ist berechnet."))
            return redirect("selection:proposal", cohort_id=cohort.pk)
    else:
        form = ConstraintsForm(initial=ConstraintsForm.initial_from(settings_, cohort))
    current = Proposal.current(cohort)
    return render(
        request,
        "selection/proposal.html",
        {
            "cohort": cohort,
            "form": form,
            **_proposal_context(cohort, current, _hidden(request, cohort)),
        },
    )


@steer_view
def proposal_progress(request, cohort_id, pk):
    cohort = _cohort(request, cohort_id)
    proposal = get_object_or_404(Proposal, pk=pk, cohort=cohort)
    return render(request, "selection/_progress.html", {"cohort": cohort, "proposal": proposal})


@steer_view
def proposal_export(request, cohort_id, pk):
    cohort = _cohort(request, cohort_id)
    proposal = get_object_or_404(Proposal, pk=pk, cohort=cohort)
    response = JsonResponse(
        redact_proposal(optimiser.export(proposal), _hidden(request, cohort)),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="vorschlag-{cohort.slug}-{proposal.pk}.json"'
    )
    return response


@steer_view
def application_detail(request, cohort_id, pk):
    """The chair's view of one application: reviews, numbers, lock, decision, history."""
    cohort = _cohort(request, cohort_id)
    hidden = _hidden(request, cohort)
    if pk in hidden:
        raise Http404
    application = get_object_or_404(
        Application.objects.select_related("applicant"), pk=pk, cohort=cohort, status="submitted"
    )
    numbers = committee_numbers(cohort)
    proposal_ = Proposal.current(cohort)
    proposed = services.proposed_outcomes(cohort, proposal_).get(application.pk, "")
    decision = application.decisions.filter(is_current=True).first()
    lock = Lock.objects.filter(application=application).first()
    lock_initial = {"kind": lock.kind if lock else "", "reason": lock.reason if lock else ""}
    pending_offer = application.offers.filter(status=Offer.Status.PENDING).first()
    withdraw_form = WithdrawOfferForm()
    if request.method == "POST" and "withdraw_offer" in request.POST:
        if not can_decide(request.user, cohort) or pending_offer is None:
            raise Http404
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
            if not can_decide(request.user, cohort):
                raise Http404
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
        data = redact_proposal(proposal_.data, hidden)
        d = data["result"]["details"].get(optimiser.applicant_id(pk))
        row = next((r for r in data["applicants"] if r["id"] == optimiser.applicant_id(pk)), {})
        detail = _explanation(d, row.get("lock_reason", "")) if d else None
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
        if not can_decide(request.user, cohort):
            raise Http404
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
        if expected is None or request.POST.get("application") != str(expected):
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


@steer_view
def report(request, cohort_id):
    from kohorte.selection.report import report_pdf

    cohort = _cohort(request, cohort_id)
    response = HttpResponse(report_pdf(cohort, viewer=request.user), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="auswahlbericht-{cohort.slug}.pdf"'
    return response
