"""Any change to the catalogue invalidates the cached public pages (core/pagecache.py)."""

from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from kohorte.core.pagecache import bump_version

CATALOG_AREA = "catalog"


@receiver(post_save)
@receiver(post_delete)
def catalog_changed(sender, **kwargs):
    if sender._meta.app_label == "catalog" and not kwargs.get("raw"):
        bump_version(CATALOG_AREA)


@receiver(m2m_changed)
def catalog_relation_changed(sender, action, **kwargs):
    if sender._meta.app_label == "catalog" and action.startswith("post_"):
        bump_version(CATALOG_AREA)
