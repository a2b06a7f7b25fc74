"""Public dates beside the modules: speaker-series talks and information sessions."""

import uuid

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models.cohort import Cohort
from kohorte.catalog.models.common import AssumptionsMixin, Format
from kohorte.catalog.models.people import Location, Person
from kohorte.catalog.models.programme import Program


class Event(AssumptionsMixin, models.Model):
    """A public date beside the modules: a speaker-series talk or an information session."""

    class Kind(models.TextChoices):
        SPEAKER_SERIES = "speaker_series", _("Speaker Series")
        INFO_SESSION = "info_session", _("Informationsveranstaltung")

    program = models.ForeignKey(
        Program, verbose_name=_("Programm"), on_delete=models.CASCADE, related_name="events"
    )
    cohort = models.ForeignKey(
        Cohort,
        verbose_name=_("Jahrgang"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="events",
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    title = models.CharField(_("Titel"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    starts_at = models.DateTimeField(_("Beginn"))
    ends_at = models.DateTimeField(_("Ende"))
    format = models.CharField(
        _("Format"), max_length=10, choices=Format.choices, default=Format.ONLINE
    )
    location = models.ForeignKey(
        Location, verbose_name=_("Ort"), null=True, blank=True, on_delete=models.PROTECT
    )
    speakers = models.ManyToManyField(
        Person, verbose_name=_("Vortragende"), blank=True, related_name="events"
    )
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("Veranstaltung")
        verbose_name_plural = _("Veranstaltungen")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="event_ends_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(format="online") | Q(location__isnull=False),
                name="event_onsite_has_location",
                violation_error_message=_("Eine Veranstaltung vor Ort braucht einen Ort."),
            ),
        ]

    def __str__(self):
        return self.title
