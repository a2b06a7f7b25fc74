"""Modules, their runs in a cohort, the teaching days (sessions), and the rule that says which
modules complete a cohort."""

import uuid
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models.cohort import Cohort
from kohorte.catalog.models.common import AssumptionsMixin, Format, Language
from kohorte.catalog.models.people import Location, Person
from kohorte.catalog.models.programme import Program
from kohorte.core.models import TimeStampedModel


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
