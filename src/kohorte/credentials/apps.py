from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CredentialsConfig(AppConfig):
    name = "kohorte.credentials"
    label = "credentials"
    verbose_name = _("Zertifikate")

    def ready(self):
        from kohorte.credentials import mail  # noqa: F401 (registers the mail events)
