"""The selection committee: rubric, committee, conflicts, assignments, reviews, the
optimiser's proposals, the chair's decisions and the offers.

Flow: Application ─< Assignment ─ Review ─< Score → calibrated scores (engine) → Proposal
→ Decision (by a person, with a reason) → Offer (deadline) → accepted | declined → the next one
from the replacement table, confirmed by staff.
"""

from kohorte.selection.models.committee import (
    SCALE,
    BlindField,
    CommitteeMember,
    Conflict,
    ConflictRule,
    Criterion,
    SelectionSettings,
)
from kohorte.selection.models.outcomes import Decision, DecisionQuerySet, Lock, Offer, Proposal
from kohorte.selection.models.reviews import Assignment, Review, Score

__all__ = [
    "SCALE",
    "Assignment",
    "BlindField",
    "CommitteeMember",
    "Conflict",
    "ConflictRule",
    "Criterion",
    "Decision",
    "DecisionQuerySet",
    "Lock",
    "Offer",
    "Proposal",
    "Review",
    "Score",
    "SelectionSettings",
]
