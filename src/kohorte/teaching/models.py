"""The cohort in teaching. For now: who takes part (created when an offer is accepted)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import Cohort


class Participation(models.Model):
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("Jahrgang"), on_delete=models.PROTECT, related_name="participations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Konto"),
        on_delete=models.PROTECT,
        related_name="participations",
    )
    application = models.OneToOneField(
        "admissions.Application",
        verbose_name=_("Bewerbung"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="participation",
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        ordering = ["cohort", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="participation_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.cohort}"
