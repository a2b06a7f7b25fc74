"""The one module that knows the format of ``Proposal.data`` (the export format, documented in
docs/selection.md): it builds it and reads it. Everything else goes through ``ProposalData``
and the builders here; nobody else indexes into the dictionary.

    {"format", "cohort", "program", "seats", "seed", "solver", "objective_unit", "tie_break",
     "constraints": {"level_min", "level_max", "max_per_authority", "gender_min", "gender_max"},
     "applicants": [{"id": "a17", "score", "raw", "reviews", "level", "authority", "gender",
                     "eligible", "lock", "lock_reason"}, ...],
     "result": {"feasible", "selected", "objective", "binding", "conflicts", "lottery",
                "explanations", "details", "replacements": {"a17": {"next", "dropped"}}},
     "redacted": {"applicants", "reason"}   (only in a copy without hidden applications)
     "proposal": {"id", "created_at", "exported_at", "state"}   (only in an export)}
"""

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from kohorte.selection.engine import cohort as engine

FORMAT_VERSION = 1
SOLVER = "scipy.optimize.milp (HiGHS)"


def applicant_id(pk: int) -> str:
    """An application's key in the format."""
    return f"a{pk}"


def application_pk(key: str) -> int:
    """The application behind a key of the format."""
    return int(key.removeprefix("a"))


@dataclass(frozen=True)
class Replacement:
    """Who moves up if a selected applicant drops out, and the rules that then bind."""

    next: str | None
    dropped: list[str] = field(default_factory=list)
    next_hidden: bool = False  # the next one is hidden from the viewer (visibility.py)


class ProposalData:
    """Typed read access to a stored proposal's data (or a redacted copy of it)."""

    def __init__(self, raw: dict[str, Any]) -> None:
        self.raw = raw

    @classmethod
    def of(cls, proposal) -> "ProposalData":
        return cls(proposal.data)

    # inputs
    @property
    def seats(self) -> int:
        return int(self.raw["seats"])

    @property
    def constraints(self) -> engine.Constraints:
        """The rules the proposal was solved with."""
        return engine.Constraints(seats=self.seats, **self.raw["constraints"])

    @property
    def applicants(self) -> list[dict[str, Any]]:
        return self.raw.get("applicants", [])

    def row(self, key: str) -> dict[str, Any]:
        return next((r for r in self.applicants if r["id"] == key), {})

    @property
    def lock_reasons(self) -> dict[str, str]:
        return {r["id"]: r.get("lock_reason", "") for r in self.applicants}

    def engine_applicants(self) -> list[engine.Applicant]:
        return engine_applicants(self.applicants)

    # result
    @property
    def result(self) -> dict[str, Any]:
        return self.raw.get("result", {})

    @property
    def selected(self) -> list[str]:
        return self.result.get("selected", [])

    @property
    def objective(self) -> float:
        return self.result.get("objective", 0)

    @property
    def binding(self) -> list[str]:
        return self.result.get("binding", [])

    @property
    def conflicts(self) -> list[str]:
        return self.result.get("conflicts", [])

    @property
    def lottery(self) -> dict[str, int]:
        return self.result.get("lottery", {})

    @property
    def details(self) -> dict[str, dict[str, Any]]:
        return self.result.get("details", {})

    def detail(self, key: str) -> dict[str, Any] | None:
        return self.details.get(key)

    @property
    def explanations(self) -> dict[str, str]:
        return self.result.get("explanations", {})

    @property
    def replacements(self) -> dict[str, dict[str, Any]]:
        return self.result.get("replacements", {})

    def replacement(self, key: str) -> Replacement:
        entry = self.replacements.get(key, {})
        return Replacement(
            next=entry.get("next"),
            dropped=list(entry.get("dropped", [])),
            next_hidden=bool(entry.get("next_hidden")),
        )

    def engine_result(self) -> engine.Result:
        return engine.Result(
            feasible=True,
            selected=self.result["selected"],
            objective=self.result["objective"],
            binding=self.result["binding"],
            lottery=self.result["lottery"],
        )

    @property
    def redacted_count(self) -> int:
        """How many applications a redacted copy leaves out."""
        return self.raw.get("redacted", {}).get("applicants", 0)


def engine_applicants(rows: list[dict[str, Any]]) -> list[engine.Applicant]:
    """The format's applicant rows for the engine. Unreviewed applications cannot be ranked:
    the optimiser treats them as not eligible."""
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


def constraints_json(c: engine.Constraints) -> dict[str, Any]:
    return {
        "level_min": c.level_min,
        "level_max": c.level_max,
        "max_per_authority": c.max_per_authority,
        "gender_min": c.gender_min,
        "gender_max": c.gender_max,
    }


def result_json(result: engine.Result) -> dict[str, Any]:
    """A solver result, its explanations still to come (``set_explanations``)."""
    return {
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


def new_data(
    *,
    cohort: str,
    program: str,
    constraints: engine.Constraints,
    seed: int,
    applicants: list[dict[str, Any]],
    result: engine.Result,
) -> dict[str, Any]:
    """A new proposal's data: its inputs and the solver's result."""
    return {
        "format": FORMAT_VERSION,
        "cohort": cohort,
        "program": program,
        "seats": constraints.seats,
        "seed": seed,
        "solver": SOLVER,
        "objective_unit": "sum of calibrated scores of the selected applicants",
        "tie_break": "lottery: lower rank wins among equal scores (result.lottery)",
        "constraints": constraints_json(constraints),
        "applicants": applicants,
        "result": result_json(result),
    }


def solved(data: dict[str, Any], seed: int, result: engine.Result) -> dict[str, Any]:
    """An instance read from a file (``solve_selection``) with the solver's result."""
    out = {**data, "seed": seed, "solver": SOLVER}
    out["constraints"] = constraints_json(ProposalData(data).constraints)
    out["result"] = result_json(result)
    return out


def set_explanations(
    data: dict[str, Any],
    *,
    details: dict[str, dict[str, Any]],
    explanations: dict[str, str],
    replacements: dict[str, dict[str, Any]],
) -> None:
    """Fill in the explanations of a solved proposal, in place."""
    data["result"]["details"] = details
    data["result"]["explanations"] = explanations
    data["result"]["replacements"] = replacements


def redacted(
    data: dict[str, Any],
    ids: set[str],
    *,
    rename: Callable[[str, set[str]], str],
    rewrite: Callable[[dict[str, Any], str], str],
    reason: str,
) -> dict[str, Any]:
    """A copy of ``data`` without the applicants ``ids``: their rows, lottery ranks,
    explanations, details and replacement entries are removed; a rule key naming one is passed
    through ``rename``; an explanation whose rule keys changed is written anew by ``rewrite``
    (detail, lock reason); the objective is recomputed over the selected applicants left; a
    ``redacted`` entry says how many were left out and why."""
    data = copy.deepcopy(data)
    rows = data.get("applicants", [])
    ids = ids & {r["id"] for r in rows}
    if not ids:
        return data
    data["applicants"] = [r for r in rows if r["id"] not in ids]
    result = data.get("result", {})

    def keys(values):
        return [rename(k, ids) for k in values]

    result["selected"] = [k for k in result.get("selected", []) if k not in ids]
    scores = {r["id"]: r["score"] or 0 for r in data["applicants"]}
    result["objective"] = round(sum(scores.get(k, 0) for k in result["selected"]), 2)
    result["binding"] = keys(result.get("binding", []))
    result["conflicts"] = keys(result.get("conflicts", []))
    result["lottery"] = {k: v for k, v in result.get("lottery", {}).items() if k not in ids}
    details = {}
    for k, d in result.get("details", {}).items():
        if k in ids:
            continue
        details[k] = {**d, "blocked_by": keys(d.get("blocked_by", []))}
    reasons = ProposalData(data).lock_reasons
    explanations = {}
    for k, text in result.get("explanations", {}).items():
        if k in ids:
            continue
        if k in details and details[k]["blocked_by"] != result["details"][k].get("blocked_by"):
            text = rewrite(details[k], reasons.get(k, ""))
        explanations[k] = text
    result["details"] = details
    result["explanations"] = explanations
    replacements = {}
    for k, r in result.get("replacements", {}).items():
        if k in ids:
            continue
        entry = {**r, "dropped": keys(r.get("dropped", []))}
        if entry.get("next") in ids:
            entry["next"] = None
            entry["next_hidden"] = True
        replacements[k] = entry
    result["replacements"] = replacements
    data["redacted"] = {"applicants": len(ids), "reason": reason}
    return data


def exported(proposal) -> dict[str, Any]:
    """The proposal as a file: its data and where it comes from."""
    data = dict(proposal.data)
    data["proposal"] = {
        "id": proposal.pk,
        "created_at": proposal.created_at.isoformat(),
        "exported_at": timezone.now().isoformat(),
        "state": proposal.state,
    }
    return data
