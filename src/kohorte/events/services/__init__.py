"""Every write of events: one transaction, one audit row, mail on commit."""

from kohorte.events.services.registrations import (
    audience_kind,
    cancel_registration,
    confirm_public,
    event_when,
    find_by_token,
    register_account,
    register_public,
    registration_refusal,
    save_event_settings,
    set_registration_status,
    settings_for,
    waiting_position,
)
from kohorte.events.services.reminders import send_event_reminders

__all__ = [
    "audience_kind",
    "cancel_registration",
    "confirm_public",
    "event_when",
    "find_by_token",
    "register_account",
    "register_public",
    "registration_refusal",
    "save_event_settings",
    "send_event_reminders",
    "set_registration_status",
    "settings_for",
    "waiting_position",
]
