"""Assignments of applications to reviewers, their reviews and scores."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.admissions.models import Application
from kohorte.selection.models.committee import SCALE, Criterion


class Assignment(models.Model):
    """A reviewer is asked to review an application."""

    class Source(models.TextChoices):
        AUTO = "auto", _("automatisch")
        MANUAL = "manual", _("von Hand")

    application = models.ForeignKey(
        Application, on_delete=models.CASCADE, related_name="assignments"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.AUTO)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Zuteilung")
        verbose_name_plural = _("Zuteilungen")
        ordering = ["application_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "reviewer"], name="assignment_unique_pair"
            ),
        ]

    def __str__(self):
        return f"{self.reviewer} → {self.application_id}"

    @property
    def code(self) -> str:
        """What a reviewer sees instead of a name: stable, and says nothing about the person."""
        return f"B-{self.pk:04d}"


class Review(models.Model):
    """One reviewer's assessment of one application: a score per criterion, a confidence."""

    class State(models.TextChoices):  # derived from ``submitted_at``, not stored
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("abgegeben")

    # Only services.set_review_state moves a review: a submitted one stays submitted (a
    # revision is audited with the old and new scores).
    TRANSITIONS = {
        State.DRAFT: {State.DRAFT, State.SUBMITTED},
        State.SUBMITTED: {State.SUBMITTED},
    }

    class Confidence(models.IntegerChoices):
        LOW = 1, _("eher unsicher")
        MEDIUM = 2, _("recht sicher")
        HIGH = 3, _("sehr sicher")

    assignment = models.OneToOneField(Assignment, on_delete=models.CASCADE, related_name="review")
    confidence = models.PositiveSmallIntegerField(
        _("Wie sicher sind Sie?"), choices=Confidence.choices, null=True, blank=True
    )
    comment = models.TextField(_("Gesamteindruck"), blank=True)
    total = models.DecimalField(
        _("gewichtete Note"), max_digits=4, decimal_places=2, null=True, blank=True
    )
    submitted_at = models.DateTimeField(_("abgegeben am"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("Gutachten")
        verbose_name_plural = _("Gutachten")
        constraints = [
            models.CheckConstraint(
                condition=Q(submitted_at__isnull=True) | Q(total__isnull=False),
                name="review_submitted_has_total",
            ),
        ]

    def __str__(self):
        return str(self.assignment)

    @property
    def state(self) -> str:
        return self.State.SUBMITTED if self.submitted_at else self.State.DRAFT


class Score(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.PositiveSmallIntegerField(_("Punkte"), validators=SCALE, null=True, blank=True)
    comment = models.TextField(_("Begründung"), blank=True)

    class Meta:
        verbose_name = _("Bewertung")
        verbose_name_plural = _("Bewertungen")
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="score_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=1, value__lte=5),
                name="score_on_scale",
            ),
        ]

    def __str__(self):
        return f"{self.criterion_id}: {self.value}"
