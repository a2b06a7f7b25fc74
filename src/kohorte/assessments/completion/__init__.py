"""Each participant's standing against the cohort's completion rule, in plain sentences.

The rule is data (``catalog.CompletionRule``) and its logic stays in ``catalog.completion``;
this module adds what the progress view needs on top: the state of every module for the person
(passed, failed with or without a resit left, open until a deadline that includes their
extension, overdue, being marked), a verdict, and sentences that name each real gap.

``judge(...)`` is pure (plain data in, a ``Judgement`` out) so it can be tested over generated
cases; ``standings(cohort)`` reads everything for a whole cohort in a constant number of queries
and calls it per person.

Verdicts:
- completed: staff decided "completed" (a current ``Completion``);
- meets the rule: every condition is met, no decision yet;
- cannot complete: even if every module still open is passed, the rule cannot be met (a module
  the rule needs is failed with no attempt left, or the person holds no place in enough
  electives);
- at risk: attendance below the threshold, or a needed module failed (resit left or not),
  or a deadline passed without a submission;
- on track: everything else.
"""

from kohorte.assessments.completion.cohort import (
    UNREAD,
    Cell,
    Standing,
    _cell_words,
    _module_state,
    standing,
    standings,
)
from kohorte.assessments.completion.judge import (
    BADGES,
    RISKY,
    VERDICT_LABELS,
    Judgement,
    ModuleState,
    State,
    Verdict,
    _graded,
    _kind,
    _percent,
    _verdict,
    _when,
    done_sentence,
    judge,
    module_sentence,
)

__all__ = [
    "BADGES",
    "RISKY",
    "UNREAD",
    "VERDICT_LABELS",
    "Cell",
    "Judgement",
    "ModuleState",
    "Standing",
    "State",
    "Verdict",
    "_cell_words",
    "_graded",
    "_kind",
    "_module_state",
    "_percent",
    "_verdict",
    "_when",
    "done_sentence",
    "judge",
    "module_sentence",
    "standing",
    "standings",
]
