"""The programme and what its public pages list: organisers, learning outcomes, highlights,
frequent questions."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models.common import AssumptionsMixin
from kohorte.core.models import TimeStampedModel


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
    # The level in the European Qualifications Framework (EQF/DQR) that transcripts name.
    eqf_level = models.PositiveSmallIntegerField(
        _("EQR-Niveau"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(8)],
    )
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
