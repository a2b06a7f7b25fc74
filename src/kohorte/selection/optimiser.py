"""The optimiser in Kohorte: its inputs from the database, its result stored as a Proposal in
the export format (docs/selection.md), explanations in the background, replacements."""

import secrets

from django.db import transaction
from django.utils import timezone

from kohorte.admissions.models import Application
from kohorte.core.audit import log_action
from kohorte.selection.engine import cohort as engine
from kohorte.selection.models import Decision, Lock, Offer, Proposal, SelectionSettings
from kohorte.selection.scoring import committee_numbers

FORMAT_VERSION = 1


def applicant_id(pk: int) -> str:
    return f"a{pk}"


def application_pk(applicant: str) -> int:
    return int(applicant.removeprefix("a"))


def constraints_of(cohort) -> engine.Constraints:
    s = SelectionSettings.for_cohort(cohort)
    return engine.Constraints(
        seats=s.seats or cohort.seats,
        level_min={k: int(v) for k, v in s.level_min.items() if v not in (None, "")},
        level_max={k: int(v) for k, v in s.level_max.items() if v not in (None, "")},
        max_per_authority=s.max_per_authority,
        gender_min={k: int(v) for k, v in s.gender_min.items() if v not in (None, "")},
        gender_max={k: int(v) for k, v in s.gender_max.items() if v not in (None, "")},
    )


def applicants_of(cohort) -> list[dict]:
    """Every submitted application as the optimiser sees it (the export's "applicants")."""
    numbers = committee_numbers(cohort)
    locks = {
        pk: (kind, reason)
        for pk, kind, reason in Lock.objects.filter(application__cohort=cohort).values_list(
            "application_id", "kind", "reason"
        )
    }
    rows = Application.objects.filter(
        cohort=cohort, status=Application.Status.SUBMITTED
    ).values_list("pk", "federal_level", "authority", "gender", "is_eligible")
    out = []
    for pk, level, authority, gender, eligible in rows.order_by("pk"):
        score = numbers.calibrated.get(pk)
        out.append(
            {
                "id": applicant_id(pk),
                "score": round(score, 2) if score is not None else None,
                "raw": round(numbers.raw[pk], 2) if pk in numbers.raw else None,
                "reviews": numbers.reviews.get(pk, 0),
                "level": level or "",
                "authority": authority or "",
                "gender": gender if gender and gender != "not_say" else None,
                "eligible": bool(eligible),
                "lock": locks[pk][0] if pk in locks else None,
                "lock_reason": locks[pk][1] if pk in locks else "",
            }
        )
    return out


def _engine_applicants(rows: list[dict]) -> list[engine.Applicant]:
    """Unreviewed applications cannot be ranked: the optimiser treats them as not eligible."""
    return [
        engine.Applicant(
            id=r["id"],
            score=r["score"] or 0.0,
            level=r["level"],
            authority=r["authority"],
            gender=r["gender"],
            eligible=r["eligible"] and r["score"] is not None,
            lock=r["lock"],
        )
        for r in rows
    ]


def _stored_constraints(data: dict) -> engine.Constraints:
    """The rules as a stored proposal (the export format) holds them."""
    return engine.Constraints(seats=data["seats"], **data["constraints"])


def _constraints_json(c: engine.Constraints) -> dict:
    return {
        "level_min": c.level_min,
        "level_max": c.level_max,
        "max_per_authority": c.max_per_authority,
        "gender_min": c.gender_min,
        "gender_max": c.gender_max,
    }


@transaction.atomic
def propose(cohort, *, actor, seed: int | None = None) -> Proposal:
    """Solve now (well under a second), store inputs and result; explanations follow in the
    background (``explain``)."""
    seed = seed if seed is not None else secrets.randbelow(10**6)
    rows = applicants_of(cohort)
    constraints = constraints_of(cohort)
    result = engine.solve(_engine_applicants(rows), constraints, seed=seed)
    data = {
        "format": FORMAT_VERSION,
        "cohort": cohort.slug,
        "program": cohort.program.slug,
        "seats": constraints.seats,
        "seed": seed,
        "solver": "scipy.optimize.milp (HiGHS)",
        "objective_unit": "sum of calibrated scores of the selected applicants",
        "tie_break": "lottery: lower rank wins among equal scores (result.lottery)",
        "constraints": _constraints_json(constraints),
        "applicants": rows,
        "result": {
            "feasible": result.feasible,
            "selected": result.selected,
            "objective": result.objective,
            "binding": result.binding,
            "conflicts": result.conflicts,
            "lottery": result.lottery,
            "explanations": {},
            "details": {},
            "replacements": {},
        },
    }
    proposal = Proposal.objects.create(
        cohort=cohort,
        state=Proposal.State.SOLVED if result.feasible else Proposal.State.INFEASIBLE,
        seed=seed,
        data=data,
        created_by=actor,
    )
    log_action(
        "selection.proposed",
        actor=actor,
        target=cohort,
        data={"proposal": proposal.pk, "seed": seed, "feasible": result.feasible},
    )
    if result.feasible:
        from kohorte.selection.tasks import explain_proposal

        transaction.on_commit(lambda: explain_proposal.enqueue(proposal.pk))
    return proposal


def explain(proposal_id: int) -> Proposal:
    """Explanations for every applicant and the replacement table (the worker runs this)."""
    proposal = Proposal.objects.select_related("cohort").get(pk=proposal_id)
    if proposal.state != Proposal.State.SOLVED:
        return proposal
    data = proposal.data
    step = max(1, len(data["applicants"]) // 50)

    def progress(done, total):
        if done % step == 0 or done == total:
            Proposal.objects.filter(pk=proposal.pk).update(progress=round(99 * done / total))

    explain_data(data, proposal.seed, progress=progress)
    Proposal.objects.filter(pk=proposal.pk).update(
        data=data, state=Proposal.State.EXPLAINED, progress=100
    )
    proposal.refresh_from_db()
    return proposal


def explain_data(data: dict, seed: int, progress=None) -> dict:
    """Fill ``result``'s details, sentences (German) and replacements of a solved instance in
    the export format, in place."""
    from kohorte.selection.explanations import sentence

    applicants = _engine_applicants(data["applicants"])
    constraints = _stored_constraints(data)
    result = engine.Result(
        feasible=True,
        selected=data["result"]["selected"],
        objective=data["result"]["objective"],
        binding=data["result"]["binding"],
        lottery=data["result"]["lottery"],
    )
    chosen = set(result.selected)
    why = engine.explain(applicants, constraints, result, progress=progress)
    details = {
        key: {
            "selected": e.selected,
            "reason": e.reason,
            "margin": e.margin,
            "needed": e.needed,
            "blocked_by": e.blocked_by,
            "facts": e.facts,
        }
        for key, e in why.items()
    }
    replacements = {}
    for selected in result.selected:
        nxt, dropped = engine.replacement(
            applicants, constraints, seed, keep=chosen - {selected}, exclude={selected}
        )
        replacements[selected] = {"next": nxt, "dropped": dropped}
    reasons = {r["id"]: r.get("lock_reason", "") for r in data["applicants"]}
    data["result"]["details"] = details
    data["result"]["explanations"] = {
        key: sentence(d, reasons.get(key, ""), language="de") for key, d in details.items()
    }
    data["result"]["replacements"] = replacements
    return data


def solve_data(data: dict, seed: int, *, explanations: bool = True) -> dict:
    """Solve one instance in the export format (``applicants``, ``seats``, ``constraints``)
    and return it with ``seed`` and ``result`` filled in (what ``solve_selection`` writes)."""
    constraints = _stored_constraints(data)
    result = engine.solve(_engine_applicants(data["applicants"]), constraints, seed=seed)
    out = {**data, "seed": seed, "solver": "scipy.optimize.milp (HiGHS)"}
    out["constraints"] = _constraints_json(constraints)
    out["result"] = {
        "feasible": result.feasible,
        "selected": result.selected,
        "objective": result.objective,
        "binding": result.binding,
        "conflicts": result.conflicts,
        "lottery": result.lottery,
        "explanations": {},
        "details": {},
        "replacements": {},
    }
    if result.feasible and explanations:
        explain_data(out, seed)
    return out


def next_candidate(cohort, proposal: Proposal | None = None) -> tuple[int | None, list[str]]:
    """Who should be offered the next free place now: re-solved with the quotas over the
    waiting list; everyone with an open or accepted offer stays in."""
    proposal = proposal or Proposal.current(cohort)
    if proposal is None or proposal.state == Proposal.State.INFEASIBLE:
        return None, []
    rows = proposal.data["applicants"]
    constraints = _stored_constraints(proposal.data)
    offers = Offer.objects.filter(application__cohort=cohort)
    if not offers.exists():
        return None, []  # no offers out yet: places are filled by the decisions first
    keep = {
        applicant_id(pk)
        for pk in offers.filter(
            status__in=[Offer.Status.PENDING, Offer.Status.ACCEPTED]
        ).values_list("application_id", flat=True)
    }
    waitlisted = {
        applicant_id(pk)
        for pk in Decision.objects.filter(
            application__cohort=cohort, is_current=True, outcome=Decision.Outcome.WAITLIST
        ).values_list("application_id", flat=True)
    }
    if len(keep) >= constraints.seats:
        return None, []
    exclude = {r["id"] for r in rows} - keep - waitlisted
    nxt, dropped = engine.replacement(
        _engine_applicants(rows), constraints, proposal.seed, keep=keep, exclude=exclude
    )
    return (application_pk(nxt) if nxt else None), dropped


def export(proposal: Proposal) -> dict:
    data = dict(proposal.data)
    data["proposal"] = {
        "id": proposal.pk,
        "created_at": proposal.created_at.isoformat(),
        "exported_at": timezone.now().isoformat(),
        "state": proposal.state,
    }
    return data
