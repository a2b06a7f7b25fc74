from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SelectionConfig(AppConfig):
    name = "kohorte.selection"
    label = "selection"
    verbose_name = _("Auswahl")

    def ready(self):
        # The applicant's portal (admissions) asks this for the decision and offer.
        from kohorte.admissions.outcomes import register_decision_provider
        from kohorte.selection import mail, portal  # noqa: F401  (mail: registers its events)

        register_decision_provider(portal)
