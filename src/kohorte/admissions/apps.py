from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AdmissionsConfig(AppConfig):
    name = "kohorte.admissions"
    label = "admissions"
    verbose_name = _("Bewerbungen")

    def ready(self):
        from kohorte.admissions import mail  # noqa: F401  (registers the admissions mail events)
        from kohorte.admissions.segments import applicant_segments
        from kohorte.comms.segments import register_provider

        register_provider(applicant_segments)
