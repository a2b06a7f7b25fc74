"""The optimiser's proposal as the chair and the program team see it (conflicted applications
hidden), the rules it is solved with, its progress and its file."""

from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kohorte.admissions.models import Application
from kohorte.selection import access, optimiser, services
from kohorte.selection.access import steer_view
from kohorte.selection.forms import (
    ConstraintsForm,
)
from kohorte.selection.models import (
    Proposal,
    SelectionSettings,
)
from kohorte.selection.proposal_format import ProposalData, application_pk
from kohorte.selection.views.staff import _cohort, _explanation, _hidden, _labels
from kohorte.selection.visibility import (
    hidden_label,
    hidden_notice,
    redact_proposal,
)


def _proposal_context(cohort, proposal, hidden: set[int]):
    if proposal is None:
        return {}
    shown = ProposalData(redact_proposal(proposal.data, hidden))
    chosen = set(shown.selected)
    reasons = shown.lock_reasons
    applications = {
        a.pk: a
        for a in Application.objects.filter(cohort=cohort, status="submitted")
        .exclude(pk__in=hidden)
        .only("pk", "first_name", "last_name")
    }

    def person(key):
        return applications.get(application_pk(key)) if key else None

    def why(key):
        detail = shown.detail(key)
        return _explanation(detail, reasons.get(key, "")) if detail else ""

    def replacement(key):
        entry = shown.replacement(key)
        return hidden_label() if entry.next_hidden else person(entry.next)

    by_score = sorted(shown.applicants, key=lambda r: -(r["score"] or 0))
    selected = [
        {
            "row": r,
            "application": person(r["id"]),
            "explanation": why(r["id"]),
            "replacement": replacement(r["id"]),
            "dropped": _labels(shown.replacement(r["id"]).dropped),
        }
        for r in by_score
        if r["id"] in chosen
    ]
    others = [
        {"row": r, "application": person(r["id"]), "explanation": why(r["id"])}
        for r in by_score
        if r["id"] not in chosen
    ]
    return {
        "proposal": proposal,
        "objective": shown.objective,
        "binding": _labels(shown.binding),
        "conflicts": _labels(shown.conflicts),
        "selected": selected,
        "others": others,
        "hidden_notice": hidden_notice(shown.redacted_count),
    }


@steer_view
def proposal(request, cohort_id):
    cohort = _cohort(request, cohort_id)
    settings_ = SelectionSettings.for_cohort(cohort)
    if request.method == "POST":
        form = ConstraintsForm(request.POST)
        if form.is_valid():
            services.set_constraints(cohort, actor=request.user, values=form.constraints())
            new = services.propose(cohort, actor=request.user, seed=form.cleaned_data.get("seed"))
            if new.state == Proposal.State.INFEASIBLE:
                messages.error(request, _("Mit diesen Regeln gibt es keine gültige Auswahl."))
            else:
                messages.success(request, _("Der Vorschlag ist berechnet."))
            return redirect("selection:proposal", cohort_id=cohort.pk)
    else:
        form = ConstraintsForm(initial=ConstraintsForm.initial_from(settings_, cohort))
    current = Proposal.current(cohort)
    hidden = _hidden(request, cohort)
    return render(
        request,
        "selection/proposal.html",
        {
            "cohort": cohort,
            "form": form,
            **_proposal_context(cohort, current, hidden),
            **_freshness(cohort, settings_, current, hidden),
        },
    )


def _freshness(cohort, settings_, proposal, hidden: set[int]) -> dict:
    """Whether the numbers changed since the proposal was solved, as a sentence, and the
    fields that recompute it with the same rules and seed."""
    if proposal is None:
        return {}
    staleness = services.proposal_staleness(proposal)
    when = date_format(timezone.localtime(proposal.created_at), "DATETIME_FORMAT")
    if not staleness.stale:
        return {
            "fresh_text": _(
                "Der Vorschlag ist aktuell: Seit seiner Berechnung am %(when)s haben sich "
                "weder Gutachten noch Festlegungen oder Regeln geändert."
            )
            % {"when": when}
        }
    parts = [
        _(
            "Die Zahlen haben sich geändert, seit dieser Vorschlag am %(when)s berechnet wurde "
            "(neue oder überarbeitete Gutachten, Festlegungen oder Bewerbungen). Der Vorschlag "
            "ist nicht mehr aktuell."
        )
        % {"when": when}
    ]
    shown = len(staleness.changed - hidden)
    if shown:
        parts.append(
            ngettext(
                "Betroffen ist %(n)s Bewerbung.",
                "Betroffen sind %(n)s Bewerbungen.",
                shown,
            )
            % {"n": shown}
        )
    if staleness.rules_changed:
        parts.append(_("Auch die Regeln wurden seitdem geändert."))
    values = {
        k: v
        for k, v in ConstraintsForm.initial_from(settings_, cohort).items()
        if v not in (None, "")
    }
    return {"stale_text": " ".join(parts), "recompute": {**values, "seed": proposal.seed}}


@steer_view
def proposal_progress(request, cohort_id, pk):
    cohort = _cohort(request, cohort_id)
    proposal = access.get_proposal_for_staff(cohort, pk)
    return render(request, "selection/_progress.html", {"cohort": cohort, "proposal": proposal})


@steer_view
def proposal_export(request, cohort_id, pk):
    cohort = _cohort(request, cohort_id)
    proposal = access.get_proposal_for_staff(cohort, pk)
    response = JsonResponse(
        redact_proposal(optimiser.export(proposal), _hidden(request, cohort)),
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Content-Disposition"] = (
        f'attachment; filename="vorschlag-{cohort.slug}-{proposal.pk}.json"'
    )
    return response
