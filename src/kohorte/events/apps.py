from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EventsConfig(AppConfig):
    name = "kohorte.events"
    label = "events"
    verbose_name = _("Veranstaltungen")

    def ready(self):
        from kohorte.comms.segments import register_provider
        from kohorte.events import mail  # noqa: F401 (mail events)
        from kohorte.events.queries import registered_events
        from kohorte.events.segments import registrant_segments
        from kohorte.teaching.services.calendar import register_calendar_events

        register_provider(registrant_segments)
        register_calendar_events(registered_events)
