from django.contrib.contenttypes.models import ContentType

from kohorte.core.models import AuditLog


def log_action(action: str, *, actor=None, target=None, data: dict | None = None) -> AuditLog:
    """Write one audit row naming the actor, the action and the object it concerns."""
    entry = AuditLog(action=action, actor=actor if getattr(actor, "pk", None) else None)
    if target is not None:
        entry.content_type = ContentType.objects.get_for_model(target)
        entry.object_id = str(target.pk)
        entry.object_repr = str(target)[:300]
    entry.data = data or {}
    entry.save()
    return entry
