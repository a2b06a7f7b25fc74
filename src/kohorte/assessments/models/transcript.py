"""The transcript of records (Leistungsübersicht) issued to a participant, one file per version.

A corrected transcript is a new version that supersedes the previous one of the same language;
the old file and row stay (never overwritten), so what was handed out can always be shown.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from kohorte.catalog.models.common import Language


class TranscriptQuerySet(models.QuerySet):
    def current(self):
        """Transcripts that no later version supersedes."""
        return self.filter(superseded_by__isnull=True)


class Transcript(models.Model):
    participation = models.ForeignKey(
        "teaching.Participation",
        verbose_name=_("Teilnahme"),
        on_delete=models.PROTECT,
        related_name="transcripts",
    )
    language = models.CharField(_("Sprache"), max_length=5, choices=Language.choices)
    version = models.PositiveSmallIntegerField(_("Fassung"))
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("ersetzt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    reason = models.TextField(_("Grund der Korrektur"), blank=True)
    pdf_name = models.CharField(_("Datei (privat)"), max_length=300)
    pdf_sha256 = models.CharField(_("SHA-256 der Datei"), max_length=64)
    issued_at = models.DateTimeField(_("ausgestellt am"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = TranscriptQuerySet.as_manager()

    class Meta:
        verbose_name = _("Leistungsübersicht")
        verbose_name_plural = _("Leistungsübersichten")
        ordering = ["participation", "language", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "language", "version"], name="transcript_unique_version"
            ),
        ]

    def __str__(self):
        return f"{self.participation} – {self.language} {self.version}"

    @property
    def filename(self) -> str:
        word = "Leistungsuebersicht" if self.language == "de" else "Transcript"
        return (
            f"{word}-{self.participation.cohort.slug}-{self.participation_id}-v{self.version}.pdf"
        )
