"""The optimiser's proposals: a new one (solved at once), its explanations (in the background),
and the one transition function for a proposal's state."""

import secrets
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from kohorte.core import transitions
from kohorte.core.audit import log_action
from kohorte.selection import optimiser
from kohorte.selection import proposal_format as fmt
from kohorte.selection.models import Proposal


def set_proposal_state(proposal: Proposal, new_state: str, *, actor=None, **fields) -> None:
    """The one place that moves a proposal between states (``Proposal.TRANSITIONS``); refuses
    illegal moves (also when another process moved it meanwhile) and writes the audit row."""
    old_state = transitions.move(
        proposal,
        "state",
        new_state,
        Proposal.TRANSITIONS,
        _("Dieser Vorschlag lässt sich so nicht mehr ändern."),
        **fields,
    )
    log_action(
        f"selection.proposal_{new_state}",
        actor=actor,
        target=proposal.cohort,
        data={"proposal": proposal.pk, "state": {"old": old_state, "new": new_state}},
    )


@transaction.atomic
def propose(cohort, *, actor, seed: int | None = None) -> Proposal:
    """Solve now (well under a second), store inputs and result; explanations follow in the
    background (``explain``)."""
    seed = seed if seed is not None else secrets.randbelow(10**6)
    data = optimiser.solve(cohort, seed)
    feasible = fmt.ProposalData(data).result["feasible"]
    proposal = Proposal.objects.create(
        cohort=cohort,
        state=Proposal.State.SOLVED if feasible else Proposal.State.INFEASIBLE,
        seed=seed,
        data=data,
        created_by=actor,
    )
    log_action(
        "selection.proposed",
        actor=actor,
        target=cohort,
        data={"proposal": proposal.pk, "seed": seed, "feasible": feasible},
    )
    if feasible:
        from kohorte.selection.tasks import explain_proposal

        transaction.on_commit(lambda: explain_proposal.enqueue(proposal.pk))
    return proposal


def explain(proposal_id: int) -> Proposal:
    """Explanations for every applicant and the replacement table (the worker runs this)."""
    proposal = Proposal.objects.select_related("cohort").get(pk=proposal_id)
    if proposal.state != Proposal.State.SOLVED:
        return proposal
    data = proposal.data
    step = max(1, len(fmt.ProposalData(data).applicants) // 50)

    def progress(done, total):
        if done % step == 0 or done == total:
            Proposal.objects.filter(pk=proposal.pk).update(progress=round(99 * done / total))

    optimiser.explain_data(data, proposal.seed, progress=progress)
    with transaction.atomic():
        set_proposal_state(proposal, Proposal.State.EXPLAINED, data=data, progress=100)
    proposal.refresh_from_db()
    return proposal


@dataclass(frozen=True)
class Staleness:
    """What changed since a proposal was solved: the applications whose inputs differ now
    (score, reviews, lock, eligibility; new or withdrawn ones) and whether the rules did."""

    changed: frozenset[int]
    rules_changed: bool

    @property
    def stale(self) -> bool:
        return bool(self.changed) or self.rules_changed


def proposal_staleness(proposal: Proposal) -> Staleness:
    """Compare the inputs stored with the proposal with the inputs the optimiser would take
    now (its fingerprint of every applicant and the rules): any submitted or revised review,
    changed lock or eligibility, or changed rule since the proposal shows here."""
    stored = fmt.ProposalData.of(proposal)
    then = {r["id"]: r for r in stored.applicants}
    now = {r["id"]: r for r in optimiser.applicants_of(proposal.cohort)}
    changed = frozenset(
        fmt.application_pk(key) for key in then.keys() | now.keys() if then.get(key) != now.get(key)
    )
    constraints = optimiser.constraints_of(proposal.cohort)
    rules_changed = constraints.seats != stored.seats or fmt.constraints_json(
        constraints
    ) != fmt.constraints_json(stored.constraints)
    return Staleness(changed=changed, rules_changed=rules_changed)
