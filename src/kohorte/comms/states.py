"""The one door for the states of mails and batches: every change of ``OutboxMessage.state``
and ``Batch.state`` goes through a function here, which checks the model's TRANSITIONS table.

A move is a conditional UPDATE (``WHERE state = <from>``), so that two workers or a worker and a
member of staff cannot both move the same mail: the loser updates no row. One row moves through
the shared ``kohorte.core.transitions.move``; ``move_messages`` moves many in one UPDATE.
"""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from kohorte.comms.models import Batch, OutboxMessage
from kohorte.core.transitions import move


class IllegalTransition(Exception):
    pass


def _sources(table: dict, new_state: str) -> set[str]:
    return {old for old, targets in table.items() if new_state in targets}


def move_messages(queryset: QuerySet, new_state: str, *, from_states=None, **fields) -> int:
    """Move every mail of ``queryset`` that is in one of ``from_states`` (default: every state
    the table allows into ``new_state``) to ``new_state``, in one conditional UPDATE. A mail that
    is sent or cancelled keeps no secret. Returns the number of mails moved."""
    allowed = _sources(OutboxMessage.TRANSITIONS, new_state)
    sources = set(from_states) if from_states is not None else allowed
    if not sources or not sources <= allowed:
        raise IllegalTransition(f"{sorted(sources - allowed)} → {new_state}")
    if new_state in {OutboxMessage.State.SENT, OutboxMessage.State.CANCELLED}:
        fields.setdefault("secrets", "")
    return queryset.filter(state__in=sources).update(state=new_state, **fields)


def set_state(message: OutboxMessage, new_state: str, **fields) -> None:
    """Move one mail from the state it has now; refuse an illegal transition, and a mail that
    another process moved meanwhile."""
    if new_state not in OutboxMessage.TRANSITIONS[message.state]:
        raise IllegalTransition(f"{message.state} → {new_state}")
    refusal = f"{message.pk} changed state concurrently"
    try:
        move(
            message,
            "state",
            new_state,
            OutboxMessage.TRANSITIONS,
            refusal,
            **{**fields, **_wiped(new_state)},
        )
    except ValidationError as exc:
        raise IllegalTransition(refusal) from exc


def _wiped(new_state: str) -> dict:
    return (
        {"secrets": ""}
        if new_state in {OutboxMessage.State.SENT, OutboxMessage.State.CANCELLED}
        else {}
    )


def set_batch_state(batch: Batch, new_state: str, **fields) -> str:
    """Move a batch (locked by the caller with select_for_update) to ``new_state``; refuse an
    illegal transition. Returns the state before."""
    refusal = f"{batch.state} → {new_state}"
    try:
        old: str = move(batch, "state", new_state, Batch.TRANSITIONS, refusal, **fields)
    except ValidationError as exc:
        raise IllegalTransition(refusal) from exc
    return old
