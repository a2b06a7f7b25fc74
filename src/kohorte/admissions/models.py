"""Applications to a cohort: the applicant's data in steps, documents, referee requests.

Application: draft → submitted → withdrawn (``Application.TRANSITIONS``; only
``services.set_status`` moves it).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import Cohort, RequiredDocument


class FederalLevel(models.TextChoices):
    BUND = "bund", _("Bund")
    LAND = "land", _("Land")
    KOMMUNE = "kommune", _("Kommune")
    OTHER = "other", _("keine öffentliche Verwaltung")


PUBLIC_LEVELS = {FederalLevel.BUND, FederalLevel.LAND, FederalLevel.KOMMUNE}


class AuthorityKind(models.TextChoices):
    OBERSTE = "oberste", _("oberste Bundes- oder Landesbehörde (Ministerium)")
    OBERE = "obere", _("obere Behörde")
    UNTERE = "untere", _("untere Behörde")
    NACHGEORDNETE = "nachgeordnete", _("nachgeordnete Behörde")
    AMT = "amt", _("Amt")
    OTHER = "other", _("andere Verwaltungseinrichtung")


class UnitKind(models.TextChoices):
    FACHREFERAT = "fachreferat", _("Fachreferat")
    Z_ABTEILUNG = "z_abteilung", _("Z-Abteilung (Zentralabteilung)")
    OTHER = "other", _("andere Einheit")


class LeadershipLevel(models.IntegerChoices):
    """Ordered: the eligibility rule compares levels ("ab stellvertretender Referatsleitung")."""

    NONE = 0, _("ohne Führungsverantwortung")
    TEAM = 1, _("Team- oder Sachgebietsleitung")
    DEPUTY_HEAD_OF_UNIT = 2, _("stellvertretende Referatsleitung")
    HEAD_OF_UNIT = 3, _("Referatsleitung")
    SUBDIVISION = 4, _("Unterabteilungsleitung")
    DIVISION = 5, _("Abteilungsleitung")
    AGENCY = 6, _("Behördenleitung oder Stellvertretung")


class Gender(models.TextChoices):
    FEMALE = "female", _("weiblich")
    MALE = "male", _("männlich")
    DIVERSE = "diverse", _("divers")
    NOT_SAY = "not_say", _("keine Angabe")


class ApplicationQuerySet(models.QuerySet):
    def for_cohort(self, cohort):
        return self.filter(cohort=cohort)

    def submitted(self):
        return self.filter(status=Application.Status.SUBMITTED)


class Application(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    TRANSITIONS = {
        Status.DRAFT: {Status.SUBMITTED, Status.WITHDRAWN},
        Status.SUBMITTED: {Status.WITHDRAWN},
        Status.WITHDRAWN: set(),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    cohort = models.ForeignKey(
        Cohort, verbose_name=_("Jahrgang"), on_delete=models.PROTECT, related_name="applications"
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("Bewerber:in"),
        on_delete=models.PROTECT,
        related_name="applications",
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # Person
    academic_title = models.CharField(_("Titel"), max_length=50, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=150, blank=True)
    last_name = models.CharField(_("Nachname"), max_length=150, blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    accessibility_needs = models.TextField(
        _("Was brauchen Sie, um gut teilnehmen zu können?"), blank=True
    )
    # Employer
    authority = models.CharField(_("Behörde"), max_length=300, blank=True)
    federal_level = models.CharField(
        _("Verwaltungsebene"), max_length=20, choices=FederalLevel.choices, blank=True
    )
    authority_kind = models.CharField(
        _("Art der Behörde"), max_length=20, choices=AuthorityKind.choices, blank=True
    )
    unit_kind = models.CharField(
        _("Organisationseinheit"), max_length=20, choices=UnitKind.choices, blank=True
    )
    unit_name = models.CharField(_("Bezeichnung der Einheit"), max_length=300, blank=True)
    # Position
    job_title = models.CharField(_("Funktion"), max_length=300, blank=True)
    leadership_level = models.PositiveSmallIntegerField(
        _("Führungsebene"), choices=LeadershipLevel.choices, null=True, blank=True
    )
    team_size = models.PositiveIntegerField(
        _("Zahl der geführten Mitarbeitenden"), null=True, blank=True
    )
    ai_involvement = models.TextField(_("Beteiligung an KI-Projekten"), blank=True)
    # Optional demographic data, with its own consent (Art. 6 (1) a GDPR)
    gender = models.CharField(_("Geschlecht"), max_length=20, choices=Gender.choices, blank=True)
    demographics_consent_at = models.DateTimeField(
        _("Einwilligung zu freiwilligen Angaben am"), null=True, blank=True
    )
    # Deadlines and outcome
    extended_until = models.DateTimeField(_("Frist verlängert bis"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("eingereicht am"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)
    eligibility_problems = models.JSONField(_("Hinweise zur Eignung"), default=list, blank=True)
    # Kept current by the services after every change, so that staff can filter by them.
    is_complete = models.BooleanField(_("vollständig"), default=False, db_index=True)
    is_eligible = models.BooleanField(_("erfüllt die Voraussetzungen"), default=True, db_index=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    objects = ApplicationQuerySet.as_manager()

    class Meta:
        verbose_name = _("Bewerbung")
        verbose_name_plural = _("Bewerbungen")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "applicant"], name="application_one_per_person_and_cohort"
            ),
            models.CheckConstraint(
                condition=~Q(status="submitted") | Q(submitted_at__isnull=False),
                name="application_submitted_has_time",
            ),
        ]

    def __str__(self):
        name = " ".join(p for p in (self.first_name, self.last_name) if p)
        return f"{name or self.applicant} – {self.cohort.name}"

    def deadline(self):
        """The moment submission closes for this person (window end or their extension)."""
        close = self.cohort.applications_close_at
        return max(close, self.extended_until) if self.extended_until else close

    def window_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.cohort.applications_open_at <= now < self.deadline()


class Document(models.Model):
    """An uploaded PDF. Replacing one keeps the old row (``is_current=False``) until submission."""

    class Source(models.TextChoices):
        APPLICANT = "applicant", _("Bewerber:in")
        REFEREE = "referee", _("Referenzgeber:in")

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("Art"), max_length=30, choices=RequiredDocument.Kind.choices)
    storage_name = models.CharField(max_length=300, unique=True, editable=False)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("Größe (Bytes)"))
    pages = models.PositiveSmallIntegerField(_("Seiten"))
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.APPLICANT)
    is_current = models.BooleanField(default=True)
    uploaded_at = models.DateTimeField(_("hochgeladen am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        ordering = ["application", "kind", "-uploaded_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "kind"],
                condition=Q(is_current=True),
                name="document_one_current_per_kind",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.original_name}"


class RefereeRequest(models.Model):
    """A request for a recommendation letter, answered through a single-purpose link."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("angefragt")
        REMINDED = "reminded", _("erinnert")
        RECEIVED = "received", _("eingegangen")
        REPLACED = "replaced", _("ersetzt")

    # Only admissions.services.set_referee_status (and replace_open_requests) move a request.
    TRANSITIONS = {
        Status.REQUESTED: {Status.REMINDED, Status.RECEIVED, Status.REPLACED},
        Status.REMINDED: {Status.REMINDED, Status.RECEIVED, Status.REPLACED},
        Status.RECEIVED: set(),
        Status.REPLACED: set(),
    }

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="referee_requests"
    )
    name = models.CharField(_("Name"), max_length=200)
    role = models.CharField(_("Funktion"), max_length=200)
    authority = models.CharField(_("Behörde"), max_length=300)
    email = models.EmailField(_("E-Mail-Adresse"))
    language = models.CharField(_("Sprache"), max_length=5, default="de")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.REQUESTED
    )
    expires_at = models.DateTimeField(_("Link gültig bis"))
    reminded_at = models.DateTimeField(_("erinnert am"), null=True, blank=True)
    received_at = models.DateTimeField(_("eingegangen am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angefragt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Anfrage Empfehlungsschreiben")
        verbose_name_plural = _("Anfragen Empfehlungsschreiben")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["application"],
                condition=Q(status__in=["requested", "reminded", "received"]),
                name="referee_one_active_request",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"

    @property
    def is_open(self) -> bool:
        return self.status in {self.Status.REQUESTED, self.Status.REMINDED}

    @property
    def valid_until(self):
        """Until when the referee can upload: the link's end, but never after the applicant's
        own deadline (a letter after it could not be submitted). The mail and the referee's
        page both state this date."""
        return min(self.expires_at, self.application.deadline())


class EligibilityRule(models.Model):
    """A condition for a cohort, as data. Failing it flags the application; it never rejects."""

    class Check(models.TextChoices):
        PUBLIC_ADMINISTRATION = (
            "public_administration",
            _("Arbeitgeber in der öffentlichen Verwaltung"),
        )
        MIN_LEADERSHIP = "min_leadership", _("Führungsebene mindestens")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="eligibility_rules")
    condition = models.CharField(_("Bedingung"), max_length=40, choices=Check.choices)
    min_leadership = models.PositiveSmallIntegerField(
        _("Führungsebene mindestens"), choices=LeadershipLevel.choices, null=True, blank=True
    )

    class Meta:
        verbose_name = _("Teilnahmevoraussetzung")
        verbose_name_plural = _("Teilnahmevoraussetzungen")
        constraints = [
            models.CheckConstraint(
                condition=~Q(condition="min_leadership") | Q(min_leadership__isnull=False),
                name="eligibility_min_leadership_has_level",
            )
        ]

    def __str__(self):
        if self.condition == self.Check.MIN_LEADERSHIP:
            return f"{self.get_condition_display()}: {self.get_min_leadership_display()}"
        return self.get_condition_display()


class StaffNote(models.Model):
    """An internal note on an application; never shown to the applicant."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("verfasst von"),
    )
    text = models.TextField(_("Notiz"))
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("interne Notiz")
        verbose_name_plural = _("interne Notizen")
        ordering = ["-created_at"]

    def __str__(self):
        return self.text[:60]


class CohortSettings(models.Model):
    """Per-cohort settings of the application process, as data."""

    cohort = models.OneToOneField(
        Cohort, on_delete=models.CASCADE, related_name="admission_settings"
    )
    draft_reminder_days = models.PositiveSmallIntegerField(
        _("Erinnerung an unvollständige Entwürfe (Tage vor Schluss)"), default=7
    )
    referee_reminder_days = models.PositiveSmallIntegerField(
        _("Erinnerung an Referenzgeber:innen (Tage vor Schluss)"), default=7
    )
    applicant_sees_letter = models.BooleanField(
        _("Bewerber:innen sehen den Inhalt des Empfehlungsschreibens"),
        default=False,
        help_text=_("Auskunftsersuchen nach Art. 15 DSGVO umfassen das Schreiben trotzdem."),
    )
    applicant_sees_waitlist_position = models.BooleanField(
        _("Bewerber:innen sehen ihren Platz auf der Warteliste"),
        default=False,
        help_text=_(
            "Der Platz ergibt sich aus dem aktuellen Vorschlag; beim Nachrücken gelten "
            "zusätzlich die Regeln für die Zusammensetzung."
        ),
    )

    class Meta:
        verbose_name = _("Einstellungen der Bewerbung")
        verbose_name_plural = _("Einstellungen der Bewerbung")

    def __str__(self):
        return str(self.cohort)

    @classmethod
    def for_cohort(cls, cohort) -> "CohortSettings":
        return cls.objects.filter(cohort=cohort).first() or cls(cohort=cohort)
