from django.contrib.contenttypes.models import ContentType

from kohorte.core.models import AuditLog


def log_action(
    action: str,
    *,
    actor=None,
    target=None,
    data: dict | None = None,
    before: dict | None = None,
    after: dict | None = None,
) -> AuditLog:
    """Write one audit row naming the actor, the action and the object it concerns.

    ``before`` and ``after``: what the action changed, as it was and as it is now (for a state
    change ``{"status": old}`` and ``{"status": new}``); stored in ``data`` under these two keys.
    Personal values are not put here, only which fields changed (see save_draft)."""
    entry = AuditLog(action=action, actor=actor if getattr(actor, "pk", None) else None)
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_id = str(target.pk)
        entry.object_repr = str(target)[:300]
    entry.data = dict(data or {})
    if before is not None:
        entry.data["before"] = before
    if after is not None:
        entry.data["after"] = after
    entry.save()
    return entry
