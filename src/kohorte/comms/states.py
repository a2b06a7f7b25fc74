"""The one door for the states of mails and batches: every change of ``OutboxMessage.state``
and ``Batch.state`` goes through a function here, which checks the model's TRANSITIONS table.

A move is a conditional UPDATE (``WHERE state = <from>``), so that two workers or a worker and a
member of staff cannot both move the same mail: the loser updates no row.
"""

from django.db.models import QuerySet

from kohorte.comms.models import Batch, OutboxMessage


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
    updated = move_messages(
        OutboxMessage.objects.filter(pk=message.pk),
        new_state,
        from_states={message.state},
        **fields,
    )
    if not updated:
        raise IllegalTransition(f"{message.pk} changed state concurrently")
    message.state = new_state
    for name, value in {**fields, **_wiped(new_state)}.items():
        setattr(message, name, value)


def _wiped(new_state: str) -> dict:
    return (
        {"secrets": ""}
        if new_state in {OutboxMessage.State.SENT, OutboxMessage.State.CANCELLED}
        else {}
    )


def set_batch_state(batch: Batch, new_state: str, **fields) -> str:
    """Move a batch (locked by the caller with select_for_update) to ``new_state``; refuse an
    illegal transition. Returns the state before."""
    old = batch.state
    if new_state not in Batch.TRANSITIONS[old]:
        raise IllegalTransition(f"{old} → {new_state}")
    batch.state = new_state
    for name, value in fields.items():
        setattr(batch, name, value)
    batch.save(update_fields=["state", *fields])
    return old
