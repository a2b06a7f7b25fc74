"""The assessment of a module run (one per attempt) and individual extensions."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models import Module, ModuleRun


class Assessment(models.Model):
    class Kind(models.TextChoices):
        PAPER = "paper", _("Hausarbeit")
        PROJECT = "project", _("Projektarbeit")
        PRESENTATION = "presentation", _("Präsentation")
        ORAL = "oral", _("mündliche Prüfung")

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        PUBLISHED = "published", _("Noten veröffentlicht")

    # Only assessments.services.publish_grades moves an assessment.
    TRANSITIONS = {Status.OPEN: {Status.PUBLISHED}, Status.PUBLISHED: set()}
    UPLOAD_KINDS = (Kind.PAPER, Kind.PROJECT)

    run = models.ForeignKey(
        ModuleRun,
        verbose_name=_("Modultermin"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    attempt = models.PositiveSmallIntegerField(_("Versuch"), default=1)
    resit_of = models.ForeignKey(
        "self",
        verbose_name=_("Wiederholung von"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resits",
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    task = models.TextField(_("Aufgabenstellung"))
    due_at = models.DateTimeField(_("Abgabe bis"))
    min_pages = models.PositiveSmallIntegerField(_("mindestens Seiten"), null=True, blank=True)
    max_pages = models.PositiveSmallIntegerField(_("höchstens Seiten"), null=True, blank=True)
    max_words = models.PositiveIntegerField(_("höchstens Wörter"), null=True, blank=True)
    grading = models.CharField(_("Bewertung"), max_length=20, choices=Module.Grading.choices)
    ects = models.DecimalField(_("ECTS-Punkte"), max_digits=4, decimal_places=1)
    ects_is_assumption = models.BooleanField(_("ECTS-Punkte sind eine Annahme"), default=False)
    second_marker_required = models.BooleanField(_("Zweitgutachten erforderlich"), default=False)
    disagreement_threshold = models.DecimalField(
        _("Abweichung, ab der sich die Gutachter:innen einigen müssen"),
        max_digits=3,
        decimal_places=1,
        default=Decimal("1.0"),
    )
    anonymous = models.BooleanField(_("anonyme Bewertung"), default=False)
    publish_at = models.DateTimeField(_("Noten veröffentlichen am"), null=True, blank=True)
    max_attempts = models.PositiveSmallIntegerField(_("Versuche insgesamt"), default=2)
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Prüfungsleistung")
        verbose_name_plural = _("Prüfungsleistungen")
        ordering = ["run__starts_on", "attempt"]
        constraints = [
            models.UniqueConstraint(fields=["run", "attempt"], name="assessment_once_per_attempt"),
        ]

    def __str__(self):
        return f"{self.run.module.title} – {self.get_kind_display()} ({self.attempt}.)"

    @property
    def has_upload(self) -> bool:
        return self.kind in self.UPLOAD_KINDS


class Extension(models.Model):
    """A later deadline for one participant, granted by staff with a reason."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="extensions")
    participation = models.ForeignKey(
        "teaching.Participation", on_delete=models.CASCADE, related_name="extensions"
    )
    due_at = models.DateTimeField(_("neue Frist"))
    reason = models.CharField(_("Grund"), max_length=500)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(_("gewährt am"), auto_now=True)

    class Meta:
        verbose_name = _("Fristverlängerung")
        verbose_name_plural = _("Fristverlängerungen")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "participation"], name="extension_once_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.participation} – {self.due_at:%Y-%m-%d}"
