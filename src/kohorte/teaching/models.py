"""The cohort in teaching: who takes part, the employer's release, practical details, elective
choice and places.

Participation ─< Release (the supervisor's confirmation, by a single-purpose link)
Cohort ─ ElectiveRound (deadline, seed, allocated) ; ModuleRun ─ ElectiveCapacity
Participation ─< ElectiveChoice (ranked) ; Participation ─< ElectivePlace (the allocation)
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import Cohort, ModuleRun


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
        """The release request that counts (open or confirmed), or None. Uses prefetched rows."""
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

    # Only teaching.services.releases.set_release_status moves a release. One reminder: a
    # reminded request cannot be reminded again.
    TRANSITIONS = {
        Status.REQUESTED: {Status.REMINDED, Status.CONFIRMED, Status.REPLACED},
        Status.REMINDED: {Status.CONFIRMED, Status.REPLACED},
        Status.CONFIRMED: set(),
        Status.REPLACED: set(),
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


class ElectiveRound(models.Model):
    """The elective choice of a cohort: until when participants choose, and the lottery's
    seed once the places are allocated."""

    class Status(models.TextChoices):
        OPEN = "open", _("Wahl offen")
        ALLOCATED = "allocated", _("Plätze vergeben")

    TRANSITIONS = {Status.OPEN: {Status.ALLOCATED}, Status.ALLOCATED: set()}

    cohort = models.OneToOneField(
        Cohort, verbose_name=_("Jahrgang"), on_delete=models.CASCADE, related_name="elective_round"
    )
    choices_close_at = models.DateTimeField(_("Wahl bis"))
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    seed = models.BigIntegerField(_("Startwert der Verlosung"), null=True, blank=True)
    allocated_at = models.DateTimeField(_("Plätze vergeben am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Wahlmodul-Wahl")
        verbose_name_plural = _("Wahlmodul-Wahlen")

    def __str__(self):
        return str(self.cohort)


class ElectiveCapacity(models.Model):
    """How many participants an elective module run takes."""

    run = models.OneToOneField(
        ModuleRun,
        verbose_name=_("Modultermin"),
        on_delete=models.CASCADE,
        related_name="elective_capacity",
    )
    capacity = models.PositiveSmallIntegerField(_("Plätze"))

    class Meta:
        verbose_name = _("Plätze im Wahlmodul")
        verbose_name_plural = _("Plätze in Wahlmodulen")
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="electivecapacity_positive")
        ]

    def __str__(self):
        return f"{self.run}: {self.capacity}"


class ElectiveChoice(models.Model):
    """One elective a participant wants, with its rank (1 = most wanted)."""

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="elective_choices"
    )
    run = models.ForeignKey(ModuleRun, on_delete=models.CASCADE, related_name="elective_choices")
    rank = models.PositiveSmallIntegerField(_("Rang"))

    class Meta:
        verbose_name = _("Wahl")
        verbose_name_plural = _("Wahlen")
        ordering = ["participation", "rank"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "run"], name="choice_unique_run"),
            models.UniqueConstraint(fields=["participation", "rank"], name="choice_unique_rank"),
        ]

    def __str__(self):
        return f"{self.participation}: {self.rank}. {self.run}"


class ElectivePlace(models.Model):
    """A place in an elective: from the lottery, or given by staff with a reason."""

    class Source(models.TextChoices):
        LOTTERY = "lottery", _("Verlosung")
        STAFF = "staff", _("Programmteam")

    participation = models.ForeignKey(
        Participation, on_delete=models.CASCADE, related_name="elective_places"
    )
    run = models.ForeignKey(ModuleRun, on_delete=models.CASCADE, related_name="elective_places")
    source = models.CharField(_("Herkunft"), max_length=10, choices=Source.choices)
    reason = models.TextField(_("Begründung"), blank=True)
    created_at = models.DateTimeField(_("vergeben am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Platz im Wahlmodul")
        verbose_name_plural = _("Plätze in Wahlmodulen (vergeben)")
        ordering = ["participation", "run__starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["participation", "run"], name="place_unique_run"),
        ]

    def __str__(self):
        return f"{self.participation}: {self.run}"


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
