"""The formal decision that a participant completed the programme (or not).

Staff take it (in bulk for everyone who meets the completion rule, or singly with a reason);
the certificate issue reads it. A decision is never deleted: a withdrawn decision keeps its row
with ``withdrawn_at`` and a reason, and a new decision is a new row.
"""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class CompletionQuerySet(models.QuerySet):
    def current(self):
        return self.filter(withdrawn_at__isnull=True)


class Completion(models.Model):
    participation = models.ForeignKey(
        "teaching.Participation",
        verbose_name=_("Teilnahme"),
        on_delete=models.PROTECT,
        related_name="completions",
    )
    # What the rule said when staff decided: a single case against the rule needs a reason.
    rule_met = models.BooleanField(_("Abschlussregel erfüllt"))
    reason = models.TextField(_("Begründung"), blank=True)
    ects = models.DecimalField(
        _("ECTS-Punkte"), max_digits=5, decimal_places=1, default=Decimal("0")
    )
    completed_on = models.DateField(_("abgeschlossen am"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("entschieden am"), auto_now_add=True)
    withdrawn_at = models.DateTimeField(_("zurückgenommen am"), null=True, blank=True)
    withdrawn_reason = models.TextField(_("Grund der Rücknahme"), blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = CompletionQuerySet.as_manager()

    class Meta:
        verbose_name = _("Abschlussentscheidung")
        verbose_name_plural = _("Abschlussentscheidungen")
        ordering = ["-decided_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(withdrawn_at__isnull=True),
                name="completion_one_current",
            ),
            models.CheckConstraint(
                condition=Q(rule_met=True) | ~Q(reason=""), name="completion_exception_has_reason"
            ),
        ]

    def __str__(self):
        return f"{self.participation} – {self.completed_on:%Y-%m-%d}"
