"""What every part of the catalogue shares: languages, formats, and the assumptions
(values the brochure does not state) that staff must confirm."""

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class Language(models.TextChoices):
    DE = "de", _("Deutsch")
    EN = "en", _("Englisch")


class Format(models.TextChoices):
    ONSITE = "onsite", _("vor Ort")
    ONLINE = "online", _("online")
    HYBRID = "hybrid", _("hybrid")


class Assumption(models.Model):
    """A value the brochure does not state (or states twice, differently), entered as a guess.

    Public pages and the admin mark such values, so that staff know what to confirm.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("Feld"), max_length=60)
    note = models.TextField(_("Erläuterung"))

    class Meta:
        verbose_name = _("Annahme")
        verbose_name_plural = _("Annahmen")
        ordering = ["content_type", "object_id", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"], name="assumption_unique_field"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.field}: {self.note[:60]}"


class AssumptionsMixin(models.Model):
    assumptions = GenericRelation(Assumption)

    class Meta:
        abstract = True

    def assumption_for(self, field: str) -> Assumption | None:
        """The assumption on ``field``; uses prefetched rows when there are any."""
        for assumption in self.assumptions.all():
            if assumption.field == field:
                return assumption
        return None
