"""What a chair or a member of the program team may not see: the applications they have a
conflict of interest with.

Every steering page, export and report of a cohort takes its rows through here (the proposal
and its JSON, the replacement table and the explanations, the ranking, the decisions, the
offers, the committee report), so a conflicted person sees neither the name, the number, the
score nor an explanation of such an application. In its place stands one neutral line,
"1 Bewerbung ausgeblendet (Interessenkonflikt)", and every count and sum on the page is taken
over the applications shown, so that no number can be subtracted to reveal a hidden one.

The operator's command ``kohorte manage export_selection`` is not filtered: it runs with the
server's rights, not as a person of the committee.
"""

import copy

from django.utils.translation import gettext as _
from django.utils.translation import ngettext, override

from kohorte.selection.models import Conflict

# what stands in a rule key ("lock_in:a17") for a hidden application in the JSON export
HIDDEN_KEY = "hidden"


def hidden_applications(user, cohort) -> set[int]:
    """The ids of the cohort's applications ``user`` is in conflict with (declared, found by a
    rule, or entered by the program team)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    return set(
        Conflict.objects.filter(application__cohort=cohort, reviewer=user).values_list(
            "application_id", flat=True
        )
    )


def hidden_notice(n: int) -> str:
    """The neutral line that stands for hidden applications ("" when there are none)."""
    if not n:
        return ""
    return ngettext(
        "%(n)s Bewerbung ausgeblendet (Interessenkonflikt).",
        "%(n)s Bewerbungen ausgeblendet (Interessenkonflikt).",
        n,
    ) % {"n": n}


def hidden_label() -> str:
    """What stands where a hidden application would be named (e.g. in the replacement table)."""
    return _("eine ausgeblendete Bewerbung (Interessenkonflikt)")


def _key(key: str, hidden_ids: set[str], placeholder: str) -> str:
    kind, sep, value = key.partition(":")
    return f"{kind}:{placeholder}" if sep and value in hidden_ids else key


def redact_proposal(data: dict, hidden: set[int], *, placeholder: str = HIDDEN_KEY) -> dict:
    """A copy of a proposal's data (the export format) without the hidden applications.

    Their rows, lottery ranks, explanations, details and replacement entries are removed; where
    a visible row refers to one (the next in the replacement table, a rule key such as
    ``lock_in:a17``) the reference becomes ``placeholder``. The objective is recomputed over the
    selected applications left, so it cannot be used to work out a hidden score. A ``redacted``
    entry says how many were left out. Explanation texts that named a hidden application are
    written anew from the redacted details."""
    from kohorte.selection.explanations import sentence
    from kohorte.selection.optimiser import applicant_id

    data = copy.deepcopy(data)
    ids = {applicant_id(pk) for pk in hidden}
    rows = data.get("applicants", [])
    ids &= {r["id"] for r in rows}
    if not ids:
        return data
    data["applicants"] = [r for r in rows if r["id"] not in ids]
    result = data.get("result", {})

    def keys(values):
        return [_key(k, ids, placeholder) for k in values]

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
    reasons = {r["id"]: r.get("lock_reason", "") for r in data["applicants"]}
    explanations = {}
    for k, text in result.get("explanations", {}).items():
        if k in ids:
            continue
        if k in details and details[k]["blocked_by"] != result["details"][k].get("blocked_by"):
            with override("de"):
                shown = {**details[k], "blocked_by": keys_for_text(details[k]["blocked_by"])}
                text = sentence(shown, reasons.get(k, ""))
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
    data["redacted"] = {"applicants": len(ids), "reason": "conflict_of_interest"}
    return data


def keys_for_text(values: list[str]) -> list[str]:
    """Rule keys ready for ``rule_label``: a hidden application reads "ausgeblendet"."""
    shown = _("ausgeblendet")
    return [f"{k.partition(':')[0]}:{shown}" if k.endswith(f":{HIDDEN_KEY}") else k for k in values]
