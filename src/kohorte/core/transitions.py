"""The shared mechanics of a state machine's one door: check the move against the model's
table, then move the row only if nobody moved it meanwhile (a conditional UPDATE)."""

from django.core.exceptions import ValidationError


def move(obj, field: str, new, table: dict, refusal: str, **fields):
    """Set ``obj.<field>`` to ``new`` if ``table`` allows it from the current value, together
    with ``fields``; raise ``ValidationError(refusal)`` for an illegal or concurrent move.
    Returns the old value, so the caller can write its audit row."""
    old = getattr(obj, field)
    allowed = table.get(old)
    if allowed is None:  # the table is keyed by TextChoices members; plain strings compare equal
        allowed = next((moves for state, moves in table.items() if state == old), set())
    if new not in allowed:
        raise ValidationError(refusal)
    updated = type(obj).objects.filter(pk=obj.pk, **{field: old}).update(**{field: new}, **fields)
    if not updated:
        raise ValidationError(refusal)
    setattr(obj, field, new)
    for name, value in fields.items():
        setattr(obj, name, value)
    return old
