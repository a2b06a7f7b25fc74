from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "kohorte.assessments"
    label = "assessments"
    verbose_name = _("Prüfungsleistungen")

    def ready(self):
        from kohorte.assessments import mail  # noqa: F401 (mail events)
