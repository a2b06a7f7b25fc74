from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeachingConfig(AppConfig):
    name = "kohorte.teaching"
    label = "teaching"
    verbose_name = _("Lehrbetrieb")

    def ready(self):
        from kohorte.comms.segments import register_provider
        from kohorte.teaching import mail, signals  # noqa: F401 (mail events, receivers)
        from kohorte.teaching.segments import participant_segments

        register_provider(participant_segments)
