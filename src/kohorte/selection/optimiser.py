"""The bridge between Kohorte and the optimiser (engine/cohort/): its inputs from the
database, its explanations and replacements, the next candidate. It reads and computes; the
writes (a new proposal, its explanations) are services (services/proposals.py). The format of
the stored data belongs to proposal_format.py."""

from kohorte.admissions.models import Application
from kohorte.selection import proposal_format as fmt
from kohorte.selection.engine import cohort as engine
from kohorte.selection.models import Decision, Lock, Offer, Proposal, SelectionSettings
from kohorte.selection.proposal_format import applicant_id, application_pk
from kohorte.selection.scoring import committee_numbers

__all__ = [
    "applicant_id",
    "applicants_of",
    "application_pk",
    "constraints_of",
    "explain_data",
    "export",
    "next_candidate",
    "solve_data",
]


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


def solve(cohort, seed: int) -> dict:
    """Solve the cohort now (well under a second): a new proposal's data."""
    rows = applicants_of(cohort)
    constraints = constraints_of(cohort)
    result = engine.solve(fmt.engine_applicants(rows), constraints, seed=seed)
    return fmt.new_data(
        cohort=cohort.slug,
        program=cohort.program.slug,
        constraints=constraints,
        seed=seed,
        applicants=rows,
        result=result,
    )


def explain_data(data: dict, seed: int, progress=None) -> dict:
    """Fill ``result``'s details, sentences (German) and replacements of a solved instance in
    the export format, in place."""
    from kohorte.selection.explanations import sentence

    stored = fmt.ProposalData(data)
    applicants = stored.engine_applicants()
    constraints = stored.constraints
    result = stored.engine_result()
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
    reasons = stored.lock_reasons
    fmt.set_explanations(
        data,
        details=details,
        explanations={
            key: sentence(d, reasons.get(key, ""), language="de") for key, d in details.items()
        },
        replacements=replacements,
    )
    return data


def solve_data(data: dict, seed: int, *, explanations: bool = True) -> dict:
    """Solve one instance in the export format (``applicants``, ``seats``, ``constraints``)
    and return it with ``seed`` and ``result`` filled in (what ``solve_selection`` writes)."""
    instance = fmt.ProposalData(data)
    result = engine.solve(instance.engine_applicants(), instance.constraints, seed=seed)
    out = fmt.solved(data, seed, result)
    if result.feasible and explanations:
        explain_data(out, seed)
    return out


def next_candidate(cohort, proposal: Proposal | None = None) -> tuple[int | None, list[str]]:
    """Who should be offered the next free place now: re-solved with the quotas over the
    waiting list; everyone with an open or accepted offer stays in."""
    proposal = proposal or Proposal.current(cohort)
    if proposal is None or proposal.state == Proposal.State.INFEASIBLE:
        return None, []
    stored = fmt.ProposalData.of(proposal)
    constraints = stored.constraints
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
    exclude = {r["id"] for r in stored.applicants} - keep - waitlisted
    nxt, dropped = engine.replacement(
        stored.engine_applicants(), constraints, proposal.seed, keep=keep, exclude=exclude
    )
    return (application_pk(nxt) if nxt else None), dropped


def export(proposal: Proposal) -> dict:
    return fmt.exported(proposal)
