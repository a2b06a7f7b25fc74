"""A certificate: the signed PDF, the Open Badges 3.0 credential and its status-list entry."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def new_verification_id() -> str:
    """Unguessable (128 bits), URL-safe; printed in the QR code."""
    return secrets.token_urlsafe(16)


class IssuanceBatch(models.Model):
    """Certificates issued for a cohort in one action by the background worker."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("wartet")
        RUNNING = "running", _("läuft")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    TRANSITIONS = {
        Status.QUEUED: {Status.RUNNING, Status.FAILED},
        Status.RUNNING: {Status.DONE, Status.FAILED},
        Status.DONE: set(),
        Status.FAILED: set(),
    }

    cohort = models.ForeignKey(
        "catalog.Cohort",
        verbose_name=_("Jahrgang"),
        on_delete=models.PROTECT,
        related_name="issuance_batches",
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    total = models.PositiveIntegerField(_("Zertifikate insgesamt"), default=0)
    done = models.PositiveIntegerField(_("ausgestellt"), default=0)
    error = models.TextField(_("Fehler"), blank=True)
    zip_name = models.CharField(max_length=200, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Ausstellung")
        verbose_name_plural = _("Ausstellungen")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.cohort} – {self.created_at:%Y-%m-%d %H:%M}"


class Certificate(models.Model):
    class Status(models.TextChoices):
        VALID = "valid", _("gültig")
        SUPERSEDED = "superseded", _("ersetzt")
        REVOKED = "revoked", _("widerrufen")

    # Only the credentials services move a certificate: a re-issue supersedes, staff revoke.
    TRANSITIONS = {
        Status.VALID: {Status.SUPERSEDED, Status.REVOKED},
        Status.SUPERSEDED: {Status.REVOKED},
        Status.REVOKED: set(),
    }

    participation = models.ForeignKey(
        "teaching.Participation",
        verbose_name=_("Teilnahme"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    completion = models.ForeignKey(
        "assessments.Completion",
        verbose_name=_("Abschlussentscheidung"),
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    batch = models.ForeignKey(
        IssuanceBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="certificates"
    )
    verification_id = models.CharField(
        _("Prüfnummer"), max_length=32, unique=True, default=new_verification_id, editable=False
    )
    version = models.PositiveSmallIntegerField(_("Fassung"), default=1)
    supersedes = models.OneToOneField(
        "self",
        verbose_name=_("ersetzt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
    )
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.VALID
    )
    # What the certificate says, kept as issued (a changed name means a re-issue).
    holder_name = models.CharField(_("Name"), max_length=300)
    language = models.CharField(_("Sprache"), max_length=5, default="de")
    issued_at = models.DateTimeField(_("ausgestellt am"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    pdf_name = models.CharField(max_length=200, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    # The Open Badges 3.0 AchievementCredential as a signed VC-JWT (compact serialisation).
    credential_jwt = models.TextField(blank=True)
    # This certificate's index in the site's Bitstring Status List (allocated at random).
    status_index = models.PositiveIntegerField(null=True, blank=True, unique=True, editable=False)
    revoked_at = models.DateTimeField(_("widerrufen am"), null=True, blank=True)
    revoked_reason = models.TextField(_("Grund des Widerrufs"), blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("Zertifikat")
        verbose_name_plural = _("Zertifikate")
        ordering = ["participation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["participation", "version"], name="certificate_version_unique"
            ),
            models.UniqueConstraint(
                fields=["participation"],
                condition=Q(status="valid"),
                name="certificate_one_valid",
            ),
        ]

    def __str__(self):
        return f"{self.holder_name} – {self.verification_id}"
