"""The programme catalogue: what is taught, when, where and by whom.

Program ─< Cohort ─< ModuleRun ─< Session; Module belongs to a Program and runs once per Cohort.
Text that visitors read exists in German and English (django-modeltranslation adds the
``_de``/``_en`` columns, see translation.py).
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohorte.core.models import TimeStampedModel


class Language(models.TextChoices):
    DE = "de", _("Deutsch")
    EN = "en", _("Englisch")


class Format(models.TextChoices):
    ONSITE = "onsite", _("vor Ort")
    ONLINE = "online", _("online")
    HYBRID = "hybrid", _("hybrid")


class Assumption(models.Model):
    """A value the brochure does not state (or states twice, differently), entered as a guess.

    Public pages and the admin mark such values, so that staff know what to confirm.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    field = models.CharField(_("Feld"), max_length=60)
    note = models.TextField(_("Erläuterung"))

    class Meta:
        verbose_name = _("Annahme")
        verbose_name_plural = _("Annahmen")
        ordering = ["content_type", "object_id", "field"]
        constraints = [
            models.UniqueConstraint(
                fields=["content_type", "object_id", "field"], name="assumption_unique_field"
            )
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.field}: {self.note[:60]}"


class AssumptionsMixin(models.Model):
    assumptions = GenericRelation(Assumption)

    class Meta:
        abstract = True

    def assumption_for(self, field: str) -> Assumption | None:
        """The assumption on ``field``; uses prefetched rows when there are any."""
        for assumption in self.assumptions.all():
            if assumption.field == field:
                return assumption
        return None


class Program(AssumptionsMixin, TimeStampedModel):
    slug = models.SlugField(_("Kurzname (URL)"), unique=True)
    title = models.CharField(_("Titel"), max_length=200)
    kind = models.CharField(_("Art des Abschlusses"), max_length=200, blank=True)
    tagline = models.CharField(_("Untertitel"), max_length=300, blank=True)
    description = models.TextField(_("Beschreibung"), blank=True)
    target_group = models.TextField(_("Zielgruppe"), blank=True)
    prerequisites = models.TextField(_("Voraussetzungen"), blank=True)
    teaching_languages = models.CharField(_("Lehrsprache"), max_length=300, blank=True)
    structure = models.CharField(_("Struktur"), max_length=300, blank=True)
    fee_eur = models.DecimalField(
        _("Kosten (EUR)"),
        max_digits=8,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
    )
    fee_note = models.CharField(_("Hinweis zu den Kosten"), max_length=300, blank=True)
    credit_transfer = models.TextField(_("Anrechnung"), blank=True)
    selection_process = models.TextField(_("Auswahlverfahren"), blank=True)
    director = models.CharField(_("Programmleitung"), max_length=200, blank=True)
    contact_email = models.EmailField(_("Kontakt-E-Mail"), blank=True)
    contact_note = models.CharField(_("Kontakt-Hinweis"), max_length=300, blank=True)
    is_published = models.BooleanField(_("veröffentlicht"), default=True)

    class Meta:
        verbose_name = _("Programm")
        verbose_name_plural = _("Programme")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(condition=Q(fee_eur__gte=0), name="program_fee_not_negative")
        ]

    def __str__(self):
        return self.title


class Organisation(models.Model):
    """An organiser, partner or funder of a program, in the order the program names them."""

    class Role(models.TextChoices):
        ORGANISER = "organiser", _("Durchführung")
        PARTNER = "partner", _("Kooperationspartner")
        FUNDER = "funder", _("Förderung")

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="organisations")
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    name = models.CharField(_("Name"), max_length=200)
    url = models.URLField(_("Website"), blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        ordering = ["program", "role", "position", "id"]

    def __str__(self):
        return self.name


class LearningOutcome(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="learning_outcomes")
    text = models.TextField(_("Lernziel"))
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Lernziel")
        verbose_name_plural = _("Lernziele")
        ordering = ["program", "position", "id"]

    def __str__(self):
        return self.text[:80]


class Highlight(models.Model):
    """One of the program's distinctive features ("Besonderheiten des Programms")."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="highlights")
    title = models.CharField(_("Stichwort"), max_length=100)
    text = models.TextField(_("Text"))
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Besonderheit")
        verbose_name_plural = _("Besonderheiten")
        ordering = ["program", "position", "id"]

    def __str__(self):
        return self.title


class FAQ(models.Model):
    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(_("Frage"), max_length=300)
    answer = models.TextField(_("Antwort"))
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Häufige Frage")
        verbose_name_plural = _("Häufige Fragen")
        ordering = ["program", "position", "id"]

    def __str__(self):
        return self.question


class CohortQuerySet(models.QuerySet):
    def published(self):
        return self.exclude(status=Cohort.Status.DRAFT).filter(program__is_published=True)

    def for_program(self, program):
        return self.filter(program=program)

    def past(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(ends_on__lt=today)

    def featured(self, now: datetime | None = None):
        return featured_cohort(list(self), now)


def featured_cohort(cohorts, now: datetime | None = None):
    """The cohort a visitor should see first: open for applications, else the next one to
    start, else the one running, else the latest."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    ordered = sorted(cohorts, key=lambda c: c.starts_on)
    for test in (
        lambda c: c.applications_open_at <= now < c.applications_close_at,
        lambda c: c.starts_on >= today,
        lambda c: c.starts_on <= today <= c.ends_on,
    ):
        for cohort in ordered:
            if test(cohort):
                return cohort
    return ordered[-1] if ordered else None


class Cohort(AssumptionsMixin, TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")
        RUNNING = "running", _("läuft")
        COMPLETED = "completed", _("abgeschlossen")

    program = models.ForeignKey(
        Program, verbose_name=_("Programm"), on_delete=models.PROTECT, related_name="cohorts"
    )
    slug = models.SlugField(_("Kurzname (URL)"))
    name = models.CharField(_("Name"), max_length=200)
    starts_on = models.DateField(_("Beginn"))
    ends_on = models.DateField(_("Ende"))
    seats = models.PositiveSmallIntegerField(_("Plätze"), validators=[MinValueValidator(1)])
    seats_approximate = models.BooleanField(_("Platzzahl ist ungefähr („ca.“)"), default=False)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    applications_open_at = models.DateTimeField(_("Bewerbung ab"))
    applications_close_at = models.DateTimeField(_("Bewerbungsschluss"))
    decision_on = models.DateField(_("Auswahlentscheidung bis"))
    venues = models.CharField(_("Orte der Durchführung"), max_length=300, blank=True)

    objects = CohortQuerySet.as_manager()

    class Meta:
        verbose_name = _("Jahrgang")
        verbose_name_plural = _("Jahrgänge")
        ordering = ["program", "-starts_on"]
        constraints = [
            models.UniqueConstraint(fields=["program", "slug"], name="cohort_unique_slug"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="cohort_ends_after_start",
                violation_error_message=_("Das Ende darf nicht vor dem Beginn liegen."),
            ),
            models.CheckConstraint(
                condition=Q(applications_close_at__gt=F("applications_open_at")),
                name="cohort_window_closes_after_opening",
                violation_error_message=_(
                    "Der Bewerbungsschluss muss nach dem Beginn der Bewerbungsphase liegen."
                ),
            ),
            models.CheckConstraint(
                condition=Q(seats__gte=1),
                name="cohort_has_seats",
                violation_error_message=_("Ein Jahrgang braucht mindestens einen Platz."),
            ),
        ]

    def __str__(self):
        return f"{self.program} – {self.name}"

    def clean(self):
        super().clean()
        if self.pk and self.starts_on and self.ends_on:
            outside = self.runs.exclude(starts_on__gte=self.starts_on, ends_on__lte=self.ends_on)
            if outside.exists():
                raise ValidationError(
                    _("Module dieses Jahrgangs liegen außerhalb des neuen Zeitraums: %(runs)s")
                    % {"runs": ", ".join(str(r.module) for r in outside.select_related("module"))}
                )

    def applications_are_open(self, now: datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.applications_open_at <= now < self.applications_close_at

    def applications_not_yet_open(self, now: datetime | None = None) -> bool:
        return (now or timezone.now()) < self.applications_open_at


class Location(AssumptionsMixin, models.Model):
    slug = models.SlugField(_("Kurzname (URL)"), unique=True)
    name = models.CharField(_("Name"), max_length=200)
    street = models.CharField(_("Straße und Hausnummer"), max_length=200, blank=True)
    postcode = models.CharField(_("Postleitzahl"), max_length=10, blank=True)
    city = models.CharField(_("Ort"), max_length=100)
    access_notes = models.TextField(_("Hinweise zur Barrierefreiheit"), blank=True)
    travel_notes = models.TextField(_("Anreise"), blank=True)

    class Meta:
        verbose_name = _("Veranstaltungsort")
        verbose_name_plural = _("Veranstaltungsorte")
        ordering = ["city", "name"]

    def __str__(self):
        return f"{self.name}, {self.city}"

    @property
    def address(self) -> str:
        parts = [self.name, self.street, " ".join(p for p in (self.postcode, self.city) if p)]
        return ", ".join(p for p in parts if p)


class Person(AssumptionsMixin, models.Model):
    """A lecturer or speaker, shown on the public pages."""

    slug = models.SlugField(_("Kurzname (URL)"), unique=True)
    academic_title = models.CharField(_("Titel"), max_length=50, blank=True)
    first_name = models.CharField(_("Vorname"), max_length=100)
    last_name = models.CharField(_("Nachname"), max_length=100)
    affiliation = models.CharField(_("Institution"), max_length=200, blank=True)
    bio = models.TextField(_("Kurzbiografie"), blank=True)
    website = models.URLField(_("Website"), blank=True)

    class Meta:
        verbose_name = _("Person")
        verbose_name_plural = _("Personen")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.academic_title, self.first_name, self.last_name) if p)


class Module(AssumptionsMixin, TimeStampedModel):
    class Kind(models.TextChoices):
        MANDATORY = "mandatory", _("Pflichtmodul")
        ELECTIVE = "elective", _("Wahlmodul")

    class Grading(models.TextChoices):
        PASS_FAIL = "pass_fail", _("bestanden / nicht bestanden")
        GRADE_DE = "grade_de", _("Note 1,0 bis 5,0")

    program = models.ForeignKey(
        Program, verbose_name=_("Programm"), on_delete=models.PROTECT, related_name="modules"
    )
    number = models.PositiveSmallIntegerField(_("Nummer"))
    slug = models.SlugField(_("Kurzname (URL)"))
    title = models.CharField(_("Titel"), max_length=200)
    short_description = models.TextField(_("Kurzbeschreibung"))
    learning_outcomes = models.TextField(_("Lernziele"), blank=True)
    ects = models.DecimalField(
        _("ECTS-Punkte"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    language = models.CharField(_("Lehrsprache"), max_length=5, choices=Language.choices)
    grading = models.CharField(
        _("Bewertung"), max_length=20, choices=Grading.choices, default=Grading.PASS_FAIL
    )

    class Meta:
        verbose_name = _("Modul")
        verbose_name_plural = _("Module")
        ordering = ["program", "number"]
        constraints = [
            models.UniqueConstraint(fields=["program", "number"], name="module_unique_number"),
            models.UniqueConstraint(fields=["program", "slug"], name="module_unique_slug"),
            models.CheckConstraint(condition=Q(ects__gte=0), name="module_ects_not_negative"),
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class ModuleRun(AssumptionsMixin, models.Model):
    """A module as taught in one cohort: its dates, place, format and lecturers."""

    cohort = models.ForeignKey(
        Cohort, verbose_name=_("Jahrgang"), on_delete=models.CASCADE, related_name="runs"
    )
    module = models.ForeignKey(
        Module, verbose_name=_("Modul"), on_delete=models.PROTECT, related_name="runs"
    )
    starts_on = models.DateField(_("erster Tag"))
    ends_on = models.DateField(_("letzter Tag"))
    format = models.CharField(
        _("Format"), max_length=10, choices=Format.choices, default=Format.ONSITE
    )
    location = models.ForeignKey(
        Location,
        verbose_name=_("Ort"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="runs",
    )
    lecturers = models.ManyToManyField(
        Person, verbose_name=_("Dozierende"), blank=True, related_name="module_runs"
    )
    note = models.CharField(_("Hinweis"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("Modultermin")
        verbose_name_plural = _("Modultermine")
        ordering = ["cohort", "starts_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "module"],
                name="modulerun_once_per_cohort",
                violation_error_message=_("Dieses Modul ist in diesem Jahrgang schon geplant."),
            ),
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="modulerun_ends_after_start",
                violation_error_message=_("Der letzte Tag darf nicht vor dem ersten liegen."),
            ),
            models.CheckConstraint(
                condition=Q(format="online") | Q(location__isnull=False),
                name="modulerun_onsite_has_location",
                violation_error_message=_("Ein Termin vor Ort braucht einen Ort."),
            ),
        ]

    def __str__(self):
        return f"{self.module} ({self.cohort.name})"

    def clean(self):
        super().clean()
        # Spans two tables, so no CHECK constraint can hold it: the admin and the loader call
        # full_clean(), and Cohort.clean() guards the other side (moving the cohort's dates).
        cohort = getattr(self, "cohort", None)
        if (
            cohort
            and self.starts_on
            and self.ends_on
            and (self.starts_on < cohort.starts_on or self.ends_on > cohort.ends_on)
        ):
            raise ValidationError(
                {
                    "starts_on": _(
                        "Der Termin muss im Zeitraum des Jahrgangs liegen (%(start)s bis %(end)s)."
                    )
                    % {"start": cohort.starts_on, "end": cohort.ends_on}
                }
            )
        if cohort and getattr(self, "module", None) and self.module.program_id != cohort.program_id:
            raise ValidationError({"module": _("Das Modul gehört zu einem anderen Programm.")})

    @property
    def is_online(self) -> bool:
        return self.format == Format.ONLINE


class Session(models.Model):
    """One teaching day of a module run, with its times (Europe/Berlin)."""

    run = models.ForeignKey(
        ModuleRun, verbose_name=_("Modultermin"), on_delete=models.CASCADE, related_name="sessions"
    )
    date = models.DateField(_("Datum"))
    starts_at = models.TimeField(_("Beginn"))
    ends_at = models.TimeField(_("Ende"))
    title = models.CharField(_("Titel"), max_length=200, blank=True)
    uid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        verbose_name = _("Sitzung")
        verbose_name_plural = _("Sitzungen")
        ordering = ["date", "starts_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["run", "date", "starts_at"], name="session_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")),
                name="session_ends_after_start",
                violation_error_message=_("Das Ende muss nach dem Beginn liegen."),
            ),
        ]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.starts_at:%H:%M}–{self.ends_at:%H:%M}"

    def clean(self):
        super().clean()
        run = getattr(self, "run", None)
        if run and self.date and not (run.starts_on <= self.date <= run.ends_on):
            raise ValidationError(
                {
                    "date": _(
                        "Die Sitzung muss zwischen dem ersten und letzten Tag des Moduls liegen."
                    )
                }
            )


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


class RequiredDocument(models.Model):
    """A document applicants to a cohort hand in, as the public "how to apply" page lists it."""

    class Kind(models.TextChoices):
        CV = "cv", _("Lebenslauf")
        MOTIVATION = "motivation_letter", _("Motivationsschreiben")
        RECOMMENDATION = "recommendation_letter", _("Empfehlungsschreiben")
        OTHER = "other", _("Sonstiges")

    cohort = models.ForeignKey(Cohort, on_delete=models.CASCADE, related_name="required_documents")
    kind = models.CharField(_("Art"), max_length=30, choices=Kind.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    required = models.BooleanField(_("erforderlich"), default=True)
    min_pages = models.PositiveSmallIntegerField(_("Seiten mindestens"), null=True, blank=True)
    max_pages = models.PositiveSmallIntegerField(_("Seiten höchstens"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(_("Reihenfolge"), default=0)

    class Meta:
        verbose_name = _("Bewerbungsunterlage")
        verbose_name_plural = _("Bewerbungsunterlagen")
        ordering = ["cohort", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["cohort", "kind"],
                name="requireddocument_unique_kind",
                condition=~Q(kind="other"),
            ),
            models.CheckConstraint(
                condition=Q(min_pages__isnull=True)
                | Q(max_pages__isnull=True)
                | Q(max_pages__gte=F("min_pages")),
                name="requireddocument_page_range",
                violation_error_message=_(
                    "Die Höchstzahl der Seiten ist kleiner als die Mindestzahl."
                ),
            ),
        ]

    def __str__(self):
        return self.get_kind_display()


class CompletionRule(AssumptionsMixin, models.Model):
    """What a participant must achieve to complete a cohort. Data, not code."""

    cohort = models.OneToOneField(
        Cohort, verbose_name=_("Jahrgang"), on_delete=models.CASCADE, related_name="completion_rule"
    )
    all_mandatory_required = models.BooleanField(_("alle Pflichtmodule erforderlich"), default=True)
    required_modules = models.ManyToManyField(
        Module,
        verbose_name=_("zusätzlich erforderliche Module"),
        blank=True,
        related_name="+",
    )
    min_electives = models.PositiveSmallIntegerField(_("Wahlmodule mindestens"), default=0)
    min_ects = models.DecimalField(
        _("ECTS-Punkte mindestens"), max_digits=5, decimal_places=1, null=True, blank=True
    )
    attendance_threshold = models.PositiveSmallIntegerField(
        _("Anwesenheit mindestens (Prozent)"),
        default=80,
        validators=[MaxValueValidator(100)],
    )

    class Meta:
        verbose_name = _("Abschlussregel")
        verbose_name_plural = _("Abschlussregeln")
        constraints = [
            models.CheckConstraint(
                condition=Q(attendance_threshold__lte=100), name="completionrule_attendance_pct"
            ),
        ]

    def __str__(self):
        return str(_("Abschlussregel für %(cohort)s") % {"cohort": self.cohort.name})
