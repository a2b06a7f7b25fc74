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
    from kohorte.selection import proposal_format as fmt
    from kohorte.selection.explanations import sentence

    def rewrite(detail: dict, lock_reason: str) -> str:
        with override("de"):
            shown = {**detail, "blocked_by": keys_for_text(detail["blocked_by"])}
            return sentence(shown, lock_reason)

    return fmt.redacted(
        data,
        {fmt.applicant_id(pk) for pk in hidden},
        rename=lambda k, ids: _key(k, ids, placeholder),
        rewrite=rewrite,
        reason="conflict_of_interest",
    )


def keys_for_text(values: list[str]) -> list[str]:
    """Rule keys ready for ``rule_label``: a hidden application reads "ausgeblendet"."""
    shown = _("ausgeblendet")
    return [f"{k.partition(':')[0]}:{shown}" if k.endswith(f":{HIDDEN_KEY}") else k for k in values]
