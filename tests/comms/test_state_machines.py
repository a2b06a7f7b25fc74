"""One door per state for mails and batches: every transition outside the TRANSITIONS table is
refused and changes nothing; bulk moves keep the conditional UPDATE."""

from itertools import product

import pytest
from django.utils import timezone

from kohorte.comms import services, states
from kohorte.comms.models import Batch, OutboxMessage

pytestmark = pytest.mark.django_db
State = OutboxMessage.State


def _illegal(model):
    values = [value for value, _label in model.State.choices]
    return [(a, b) for a, b in product(values, values) if b not in model.TRANSITIONS[a]]


def _message(state, to="anna@example.org"):
    message = services.queue_mail(
        "account.password_reset",
        to=to,
        context={"password_reset_url": "https://k.example.org/x/"},
    )
    OutboxMessage.objects.filter(pk=message.pk).update(state=state)
    message.refresh_from_db()
    return message


@pytest.mark.parametrize(("old", "new"), _illegal(OutboxMessage))
def test_outbox_message_refuses_every_illegal_transition(old, new):
    message = _message(old)
    secrets = message.secrets
    with pytest.raises(states.IllegalTransition):
        states.set_state(message, new)
    with pytest.raises(states.IllegalTransition):
        states.move_messages(OutboxMessage.objects.all(), new, from_states={old})
    message.refresh_from_db()
    assert (message.state, message.secrets) == (old, secrets)


@pytest.mark.parametrize(("old", "new"), _illegal(Batch))
def test_batch_refuses_every_illegal_transition(staff, old, new):
    batch = services.open_event_batch(label="Bescheide", description="", actor=staff)
    Batch.objects.filter(pk=batch.pk).update(
        state=old, scheduled_for=timezone.now() if old == Batch.State.SCHEDULED else None
    )
    batch.refresh_from_db()
    with pytest.raises(states.IllegalTransition):
        states.set_batch_state(batch, new)
    batch.refresh_from_db()
    assert batch.state == old


def test_bulk_move_is_conditional_on_the_state():
    queued, held = _message(State.QUEUED), _message(State.HELD, to="ben@example.org")
    moved = states.move_messages(
        OutboxMessage.objects.filter(pk__in=[queued.pk, held.pk]),
        State.SENDING,
        from_states={State.QUEUED},
    )
    assert moved == 1
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {"sending", "held"}


def test_a_mail_moved_meanwhile_is_refused():
    message = _message(State.QUEUED)
    OutboxMessage.objects.filter(pk=message.pk).update(state=State.SENDING)
    with pytest.raises(states.IllegalTransition, match="concurrently"):
        states.set_state(message, State.CANCELLED)
    assert OutboxMessage.objects.get(pk=message.pk).state == State.SENDING


def test_a_batch_moved_meanwhile_is_refused(staff):
    """The batch door is a conditional UPDATE too: a stale copy cannot release a batch that
    was cancelled meanwhile."""
    batch = services.open_event_batch(label="Bescheide", description="", actor=staff)
    Batch.objects.filter(pk=batch.pk).update(state=Batch.State.CANCELLED)
    with pytest.raises(states.IllegalTransition):
        states.set_batch_state(batch, Batch.State.RELEASED, released_by=staff)
    batch.refresh_from_db()
    assert (batch.state, batch.released_by) == ("cancelled", None)


def test_a_legal_batch_move_returns_the_old_state(staff):
    batch = services.open_event_batch(label="Bescheide", description="", actor=staff)
    assert states.set_batch_state(batch, Batch.State.RELEASED, released_by=staff) == "held"
    batch.refresh_from_db()
    assert (batch.state, batch.released_by) == ("released", staff)
