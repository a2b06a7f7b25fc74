"""Attendance per teaching day: one row per (catalog Session, Participation)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import Session
from kohorte.teaching.models.participation import Participation


class Attendance(models.Model):
    """Whether a participant was there on one teaching day, who recorded it, when and how.

    How it counts (``teaching.services.attendance.attendance_rate``): present, late and left
    early count as attended; excused days are left out of the count; absent days count
    against."""

    class Status(models.TextChoices):
        PRESENT = "present", _("anwesend")
        LATE = "late", _("verspätet")
        LEFT_EARLY = "left_early", _("früher gegangen")
        EXCUSED = "excused", _("entschuldigt")
        ABSENT = "absent", _("abwesend")

    class Source(models.TextChoices):
        STAFF = "staff", _("Programmteam")
        LECTURER = "lecturer", _("Dozent:in")
        SELF = "self", _("Selbst eingetragen (Code)")

    ATTENDED = frozenset({Status.PRESENT, Status.LATE, Status.LEFT_EARLY})
    # Only teaching.services.attendance.record_attendance moves a row; any status may be
    # corrected to any other (a mistaken tap), always through the conditional write.
    TRANSITIONS = dict.fromkeys(Status, frozenset(Status))

    session = models.ForeignKey(
        Session, verbose_name=_("Sitzung"), on_delete=models.CASCADE, related_name="attendances"
    )
    participation = models.ForeignKey(
        Participation,
        verbose_name=_("Teilnahme"),
        on_delete=models.CASCADE,
        related_name="attendances",
    )
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    reason = models.CharField(_("Grund"), max_length=500, blank=True)
    source = models.CharField(_("erfasst durch"), max_length=10, choices=Source.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("erfasst von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("erfasst am"))

    class Meta:
        verbose_name = _("Anwesenheit")
        verbose_name_plural = _("Anwesenheiten")
        ordering = ["session__date", "participation"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "participation"], name="attendance_once_per_day"
            ),
            models.CheckConstraint(
                condition=~Q(status="excused") | ~Q(reason=""),
                name="attendance_excused_has_reason",
            ),
        ]

    def __str__(self):
        return f"{self.participation}: {self.session} ({self.get_status_display()})"

    @property
    def attended(self) -> bool:
        return self.status in self.ATTENDED
