"""Private calendar feeds."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.teaching.models.participation import Participation


class CalendarLink(models.Model):
    """A participant's private calendar feed: the token is in the URL, only its hash is kept.
    Revoking it (or making a new one) makes the old URL answer 404."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="calendar_links"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kalender-Link")
        verbose_name_plural = _("Kalender-Links")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(revoked_at__isnull=True),
                name="calendarlink_one_active",
            )
        ]

    def __str__(self):
        return f"{self.participation} ({self.created_at:%Y-%m-%d})"
