"""Private calendar feeds."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.teaching.models.participation import Participation


class CalendarLink(models.Model):
    """A private calendar feed of a participant or of a lecturer (exactly one owner): the token
    is in the URL, only its hash is kept. Revoking it (or making a new one) makes the old URL
    answer 404."""

    participation = models.ForeignKey(
        Participation,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="calendar_links",
    )
    # a lecturer's feed: the sessions of the runs they teach
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="lecturer_calendar_links",
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
            ),
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="calendarlink_one_active_lecturer",
            ),
            models.CheckConstraint(
                condition=Q(participation__isnull=False, user__isnull=True)
                | Q(participation__isnull=True, user__isnull=False),
                name="calendarlink_one_owner",
            ),
        ]

    def __str__(self):
        return f"{self.participation or self.user} ({self.created_at:%Y-%m-%d})"
