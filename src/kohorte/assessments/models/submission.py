"""A participant's submission to an assessment: its versions, marks and grade."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from kohorte.assessments import grading
from kohorte.assessments.models.assessment import Assessment


class Submission(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("nicht bewertet")
        MARKED = "marked", _("erstbewertet")
        DISPUTED = "disputed", _("Einigung nötig")
        FINAL = "final", _("bewertet")
        PUBLISHED = "published", _("veröffentlicht")

    # Only assessments.services.marking.set_submission_status moves a submission. A first mark
    # is final at once when no second marker is required.
    TRANSITIONS = {
        Status.OPEN: {Status.MARKED, Status.FINAL},
        Status.MARKED: {Status.DISPUTED, Status.FINAL},
        Status.DISPUTED: {Status.FINAL},
        Status.FINAL: {Status.PUBLISHED},
        Status.PUBLISHED: set(),
    }

    assessment = models.ForeignKey(Assessment, on_delete=models.PROTECT, related_name="submissions")
    participation = models.ForeignKey(
        "teaching.Participation", on_delete=models.PROTECT, related_name="submissions"
    )
    candidate_number = models.PositiveIntegerField(_("Kandidatennummer"))
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    first_grade = models.CharField(_("Erstgutachten"), max_length=10, blank=True)
    first_marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    second_grade = models.CharField(_("Zweitgutachten"), max_length=10, blank=True)
    second_marker = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    grade = models.CharField(pgettext_lazy("Bewertung", "Note"), max_length=10, blank=True)
    agreed_by = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    feedback = models.TextField(_("Rückmeldung"), blank=True)
    feedback_pdf = models.CharField(max_length=200, blank=True)
    feedback_pdf_name = models.CharField(max_length=200, blank=True)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("Abgabe")
        verbose_name_plural = _("Abgaben")
        ordering = ["assessment", "candidate_number"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "participation"], name="submission_once_per_person"
            ),
            models.UniqueConstraint(
                fields=["assessment", "candidate_number"], name="submission_candidate_unique"
            ),
        ]

    def __str__(self):
        return f"{self.assessment} – {self.candidate_number}"

    @property
    def grade_display(self) -> str:
        return grading.display(self.grade)

    @property
    def passed(self) -> bool:
        return grading.is_pass(self.grade)


class SubmissionVersion(models.Model):
    """One upload; earlier ones stay as history. The declaration's exact text is kept."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("Fassung"))
    storage_name = models.CharField(max_length=200)
    original_name = models.CharField(_("Dateiname"), max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    pages = models.PositiveIntegerField()
    declaration = models.TextField(_("Eigenständigkeitserklärung"))
    submitted_at = models.DateTimeField(_("abgegeben am"))
    late = models.BooleanField(_("verspätet"), default=False)

    class Meta:
        verbose_name = _("Fassung")
        verbose_name_plural = _("Fassungen")
        ordering = ["submission", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["submission", "number"], name="version_unique"),
        ]

    def __str__(self):
        return f"{self.submission} v{self.number}"
