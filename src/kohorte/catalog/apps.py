from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "kohorte.catalog"
    label = "catalog"
    verbose_name = _("Programmkatalog")

    def ready(self):
        from kohorte.catalog import signals  # noqa: F401  (connects the cache invalidation)
