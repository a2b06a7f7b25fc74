"""Who may see which events: the object, or the same 404 as for a missing one."""

from django.shortcuts import get_object_or_404

from kohorte.admissions.rules import staff_program_ids
from kohorte.catalog.models import Event


def events_for_staff(user):
    programs = staff_program_ids(user)
    events = Event.objects.all()
    return events if programs is None else events.filter(program_id__in=programs)


def get_event_for_staff(user, event_id) -> Event:
    """An event of a programme this person is staff of; 404 otherwise."""
    return get_object_or_404(events_for_staff(user).select_related("program"), pk=event_id)


def get_public_event(uid) -> Event:
    return get_object_or_404(
        Event.objects.select_related("program", "location").prefetch_related("speakers"), uid=uid
    )
