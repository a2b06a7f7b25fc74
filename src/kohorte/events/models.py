"""Registration for the speaker series and the info sessions (catalog.Event).

Event ─ EventSettings (registration open, capacity, audience, online link, archive links)
Event ─< Registration (a participant, an alumna/alumnus or a member of the public; confirmed,
waiting or cancelled; the public confirm their address first: double opt-in)
"""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import Event


class EventSettings(models.Model):
    """What staff set per event. The online link is shown only to confirmed registrants."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, related_name="registration_settings"
    )
    registration_open = models.BooleanField(_("Anmeldung offen"), default=False)
    capacity = models.PositiveIntegerField(
        _("Plätze"), default=50, validators=[MinValueValidator(1)]
    )
    open_to_participants = models.BooleanField(_("Teilnehmer:innen"), default=True)
    open_to_alumni = models.BooleanField(_("Alumni"), default=True)
    open_to_public = models.BooleanField(_("Öffentlichkeit"), default=False)
    online_url = models.URLField(_("Zugangslink (nur für Angemeldete)"), blank=True)
    slides_url = models.URLField(_("Folien"), blank=True)
    recording_url = models.URLField(_("Aufzeichnung"), blank=True)

    class Meta:
        verbose_name = _("Anmeldeeinstellungen")
        verbose_name_plural = _("Anmeldeeinstellungen")

    def __str__(self):
        return str(self.event)


class Registration(models.Model):
    class Kind(models.TextChoices):
        PARTICIPANT = "participant", _("Teilnehmer:in")
        ALUMNUS = "alumnus", _("Alumna/Alumnus")
        PUBLIC = "public", _("Öffentlichkeit")

    class Status(models.TextChoices):
        PENDING = "pending", _("Adresse unbestätigt")
        CONFIRMED = "confirmed", _("angemeldet")
        WAITING = "waiting", _("auf der Warteliste")
        CANCELLED = "cancelled", _("abgemeldet")

    # Only kohorte.events.services.registrations.set_registration_status moves a registration.
    TRANSITIONS = {
        Status.PENDING: {Status.CONFIRMED, Status.WAITING, Status.CANCELLED},
        Status.WAITING: {Status.CONFIRMED, Status.CANCELLED},
        Status.CONFIRMED: {Status.CANCELLED},
        Status.CANCELLED: set(),
    }
    ACTIVE = [Status.PENDING, Status.CONFIRMED, Status.WAITING]

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="event_registrations",
    )
    name = models.CharField(_("Name"), max_length=200)
    email = models.EmailField(_("E-Mail"))
    language = models.CharField(_("Sprache"), max_length=5, default="de")
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    status = models.CharField(_("Status"), max_length=20, choices=Status.choices)
    # The public: the confirmation link (double opt-in) and the cancellation link; only hashes.
    # NULL, not "", when there is no link: unique among the links that exist
    confirm_token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    confirm_expires_at = models.DateTimeField(_("Bestätigung möglich bis"), null=True, blank=True)
    cancel_token_hash = models.CharField(max_length=64, unique=True, null=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(_("angemeldet am"), auto_now_add=True)
    # When the place counted, or when the person joined the waiting list (its order).
    queued_at = models.DateTimeField(_("Platz oder Warteliste seit"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("abgemeldet am"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Anmeldung")
        verbose_name_plural = _("Anmeldungen")
        ordering = ["queued_at", "created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                "event",
                Lower("email"),
                condition=Q(status__in=["pending", "confirmed", "waiting"]),
                name="registration_one_active_per_address",
            ),
        ]
        indexes = [models.Index(fields=["event", "status", "queued_at"], name="registration_queue")]

    def __str__(self):
        return f"{self.name} – {self.event}"
