"""Staff pages of events: the events of their programmes, per event the registrations and the
waiting list, the export and the registration settings."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from kohorte.core import tables
from kohorte.core.access import login_and
from kohorte.events import queries, services
from kohorte.events.access import events_for_staff, get_event_for_staff
from kohorte.events.forms import EventSettingsForm
from kohorte.events.models import Registration
from kohorte.teaching.rules import is_programme_staff

staff_view = login_and(is_programme_staff)

COLUMNS = tables.Columns(
    {
        "name": gettext_lazy("Name"),
        "email": gettext_lazy("E-Mail"),
        "kind": gettext_lazy("Art"),
        "status": gettext_lazy("Status"),
        "position": gettext_lazy("Platz auf der Warteliste"),
        "registered_at": gettext_lazy("angemeldet am"),
    },
    display={
        "kind": lambda code: str(dict(Registration.Kind.choices).get(code, code)),
        "status": lambda code: str(dict(Registration.Status.choices).get(code, code)),
    },
)


@staff_view
def event_list(request):
    events = queries.events_with_counts(events_for_staff(request.user)).order_by("-starts_at")
    return render(request, "events/staff_events.html", {"events": events})


def _rows(event):
    rows = list(queries.staff_registrations(event))
    position = 0
    for row in rows:
        if row.status == Registration.Status.WAITING:
            position += 1
            row.position = position
        else:
            row.position = None
    return rows


@staff_view
def event_detail(request, event_id):
    event = get_event_for_staff(request.user, event_id)
    conf = services.settings_for(event)
    form = EventSettingsForm(request.POST or None, instance=conf)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_event_settings(event, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Die Einstellungen sind gespeichert."))
            return redirect("events:staff_event", event_id=event.pk)
    rows = _rows(event)
    return render(
        request,
        "events/staff_event.html",
        {
            "event": event,
            "form": form,
            "places": [r for r in rows if r.status == Registration.Status.CONFIRMED],
            "waiting": [r for r in rows if r.status == Registration.Status.WAITING],
            "pending": [r for r in rows if r.status == Registration.Status.PENDING],
            "when": services.event_when(event, get_language() or "de"),
        },
    )


@staff_view
def export(request, event_id, fmt):
    event = get_event_for_staff(request.user, event_id)
    data = [
        {
            "name": r.name,
            "email": r.email,
            "kind": r.kind,
            "status": r.status,
            "position": r.position or "",
            "registered_at": formats.date_format(
                timezone.localtime(r.queued_at or r.created_at), "DATETIME_FORMAT"
            ),
        }
        for r in _rows(event)
    ]
    return tables.response(data, COLUMNS, fmt, f"anmeldungen-{event.pk}", _("Anmeldungen"))
