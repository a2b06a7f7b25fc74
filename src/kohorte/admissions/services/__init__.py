"""Every write of the admissions app, a module per sub-capability. Each state change writes one
audit row and sends its mail on commit, through the outbox.

``from kohorte.admissions import services; services.submit_application(...)`` keeps working: the
functions are re-exported here.
"""

from kohorte.admissions.services.applications import (
    REFEREE_LINK_DAYS,
    REQUIRED_FIELDS,
    ApplicationClosed,
    Incomplete,
    Missing,
    Status,
    add_note,
    eligibility_problems,
    missing_items,
    portal_link,
    refresh_flags,
    save_draft,
    start_application,
    submit_application,
    withdraw_application,
)
from kohorte.admissions.services.documents import (
    unrequested_kind_message,
    upload_document,
)
from kohorte.admissions.services.extensions import (
    grant_extension,
)
from kohorte.admissions.services.referees import (
    LimitReached,
    find_referee_request,
    next_reminder_at,
    referee_link,
    referee_upload,
    remind_referee,
    reminder_count,
    reminder_refusal,
    request_referee,
    request_refusal,
)
from kohorte.admissions.services.reminders import (
    send_due_reminders,
)
from kohorte.admissions.services.transitions import (
    IllegalTransition,
    replace_open_requests,
    set_referee_status,
    set_status,
)

__all__ = [
    "REFEREE_LINK_DAYS",
    "REQUIRED_FIELDS",
    "ApplicationClosed",
    "IllegalTransition",
    "Incomplete",
    "LimitReached",
    "Missing",
    "Status",
    "add_note",
    "eligibility_problems",
    "find_referee_request",
    "grant_extension",
    "missing_items",
    "next_reminder_at",
    "portal_link",
    "referee_link",
    "referee_upload",
    "refresh_flags",
    "remind_referee",
    "reminder_count",
    "reminder_refusal",
    "replace_open_requests",
    "request_referee",
    "request_refusal",
    "save_draft",
    "send_due_reminders",
    "set_referee_status",
    "set_status",
    "start_application",
    "submit_application",
    "unrequested_kind_message",
    "upload_document",
    "withdraw_application",
]
