from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "kohorte.catalog"
    label = "catalog"
    verbose_name = _("Programmkatalog")

    def ready(self):
        from kohorte.catalog import signals  # noqa: F401  (connects the cache invalidation)
        from kohorte.catalog.queries import published_programs
        from kohorte.core.site import register_published_programs

        # The home, legal and account pages (core) show the published programmes.
        register_published_programs(published_programs)
