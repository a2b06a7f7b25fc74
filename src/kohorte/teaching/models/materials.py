"""Materials of a module run: files (checked PDFs in private storage) and links, each with a
release date before which participants do not see it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import ModuleRun


class MaterialQuerySet(models.QuerySet):
    def released(self, now=None):
        return self.filter(released_at__lte=now or timezone.now())


class Material(models.Model):
    class Kind(models.TextChoices):
        FILE = "file", _("Datei")
        LINK = "link", _("Link")

    run = models.ForeignKey(
        ModuleRun, verbose_name=_("Modultermin"), on_delete=models.CASCADE, related_name="materials"
    )
    kind = models.CharField(_("Art"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    url = models.URLField(_("Link"), max_length=1000, blank=True)
    # a file: the random name in private storage, the offered download name, its fingerprint
    storage_name = models.CharField(max_length=300, blank=True, editable=False)
    original_name = models.CharField(_("Dateiname"), max_length=200, blank=True)
    sha256 = models.CharField(max_length=64, blank=True, editable=False)
    size = models.PositiveIntegerField(_("Größe (Bytes)"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("Seiten"), null=True, blank=True)
    released_at = models.DateTimeField(_("sichtbar ab"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("angelegt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = MaterialQuerySet.as_manager()

    class Meta:
        verbose_name = _("Material")
        verbose_name_plural = _("Materialien")
        ordering = ["released_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="file") & ~Q(storage_name="") & Q(url=""))
                | (Q(kind="link") & ~Q(url="") & Q(storage_name="")),
                name="material_file_or_link",
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_file(self) -> bool:
        return self.kind == self.Kind.FILE

    def is_released(self, now=None) -> bool:
        return self.released_at <= (now or timezone.now())
