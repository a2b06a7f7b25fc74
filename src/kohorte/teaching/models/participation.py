"""Who takes part in a cohort, and the employer's release (Freistellung)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import Cohort


class ParticipationQuerySet(models.QuerySet):
    def for_cohort(self, cohort):
        return self.filter(cohort=cohort)

    def for_user(self, user):
        return self.filter(user=user)


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
    # Practical details, given once by the participant; only staff see them (for planning).
    dietary_needs = models.CharField(_("Ernährung"), max_length=500, blank=True)
    accessibility_needs = models.CharField(_("Barrierefreiheit"), max_length=500, blank=True)
    arrives_evening_before = models.BooleanField(_("Anreise am Vorabend"), null=True, blank=True)
    details_given_at = models.DateTimeField(_("Angaben gemacht am"), null=True, blank=True)

    objects = ParticipationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Teilnahme")
        verbose_name_plural = _("Teilnahmen")
        ordering = ["cohort", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["cohort", "user"], name="participation_unique"),
        ]

    def __str__(self):
        return f"{self.user} – {self.cohort}"

    @property
    def name(self) -> str:
        return self.user.get_full_name() or self.user.email

    def current_release(self):
        """The release request that counts (open, confirmed or declined: the newest one not
        replaced), or None. Uses prefetched rows."""
        for release in self.releases.all():
            if release.status != Release.Status.REPLACED:
                return release
        return None


class Release(models.Model):
    """The employer's release (Freistellung): the supervisor confirms it through a
    single-purpose link; only the token's hash is stored."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("angefragt")
        REMINDED = "reminded", _("erinnert")
        CONFIRMED = "confirmed", _("bestätigt")
        REPLACED = "replaced", _("ersetzt")
        DECLINED = "declined", _("abgelehnt")

    # Only teaching.services.releases.set_release_status moves a release. One reminder: a
    # reminded request cannot be reminded again. An answer (confirmed or declined) is final; after
    # a decline the participant names a supervisor again, which makes a new request.
    TRANSITIONS = {
        Status.REQUESTED: {Status.REMINDED, Status.CONFIRMED, Status.REPLACED, Status.DECLINED},
        Status.REMINDED: {Status.CONFIRMED, Status.REPLACED, Status.DECLINED},
        Status.CONFIRMED: set(),
        Status.REPLACED: set(),
        Status.DECLINED: set(),
    }

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="releases"
    )
    supervisor_name = models.CharField(_("Name der vorgesetzten Person"), max_length=200)
    supervisor_email = models.EmailField(_("E-Mail-Adresse der vorgesetzten Person"))
    supervisor_role = models.CharField(_("Funktion der vorgesetzten Person"), max_length=200)
    language = models.CharField(_("Sprache"), max_length=5, default="de")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    expires_at = models.DateTimeField(_("Link gültig bis"))
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    declined_at = models.DateTimeField(_("abgelehnt am"), null=True, blank=True)
    decline_reason = models.TextField(_("Begründung der Ablehnung"), blank=True)
    created_at = models.DateTimeField(_("angefragt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Freistellung")
        verbose_name_plural = _("Freistellungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(status__in=["requested", "reminded", "confirmed"]),
                name="release_one_active_request",
            )
        ]

    def __str__(self):
        return f"{self.supervisor_name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.REQUESTED, self.Status.REMINDED}
