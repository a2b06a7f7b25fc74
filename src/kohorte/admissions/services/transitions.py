"""The doors of the admissions states: ``set_status`` (Application) and ``set_referee_status`` /
``replace_open_requests`` (RefereeRequest) check the models' TRANSITIONS tables and audit.

One move goes through the shared ``kohorte.core.transitions.move``: a conditional UPDATE
(``WHERE status = <from>``), so two tabs or a worker and a person cannot both move one row."""

from django.core.exceptions import ValidationError
from django.utils import timezone

from kohorte.admissions.models import (
    Application,
    RefereeRequest,
)
from kohorte.core.audit import log_action
from kohorte.core.transitions import move


class IllegalTransition(Exception):
    pass


def set_status(application: Application, new: str, *, action: str, actor, **fields) -> None:
    """The one place that changes an application's status: refuse an illegal transition, save,
    and write the audit row ``action`` with the status before and after."""
    refusal = f"{application.status} → {new}"
    try:
        old = move(
            application,
            "status",
            new,
            Application.TRANSITIONS,
            refusal,
            updated_at=timezone.now(),
            **fields,
        )
    except ValidationError as exc:
        raise IllegalTransition(refusal) from exc
    log_action(
        action, actor=actor, target=application, before={"status": old}, after={"status": new}
    )


def set_referee_status(request: RefereeRequest, new: str, *, action: str, actor, **fields) -> None:
    """The one place that moves one referee request: refuse an illegal transition, save, and
    write the audit row ``action`` (on the application) with the status before and after."""
    refusal = f"{request.status} → {new}"
    try:
        old = move(request, "status", new, RefereeRequest.TRANSITIONS, refusal, **fields)
    except ValidationError as exc:
        raise IllegalTransition(refusal) from exc
    log_action(
        action,
        actor=actor,
        target=request.application,
        data={"request": request.pk},
        before={"status": old},
        after={"status": new},
    )


def replace_open_requests(application: Application) -> list[int]:
    """Mark the application's open referee requests replaced (their links stop working): one
    conditional UPDATE through the transition table. Returns the ids moved; the caller's audit
    row names them."""
    Status_ = RefereeRequest.Status
    sources = [
        s for s, targets in RefereeRequest.TRANSITIONS.items() if Status_.REPLACED in targets
    ]
    open_requests = application.referee_requests.filter(status__in=sources)
    ids = list(open_requests.values_list("pk", flat=True))
    if ids:
        RefereeRequest.objects.filter(pk__in=ids, status__in=sources).update(
            status=Status_.REPLACED
        )
    return ids
