from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommsConfig(AppConfig):
    name = "kohorte.comms"
    label = "comms"
    verbose_name = _("Kommunikation")

    def ready(self):
        from kohorte.comms import mail  # noqa: F401  (registers comms' own mail events)
