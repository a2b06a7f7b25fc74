"""A cohort (one run of a programme, with its application window and seats) and the documents
its applicants hand in."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models.common import AssumptionsMixin
from kohorte.catalog.models.programme import Program
from kohorte.core.models import TimeStampedModel


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
