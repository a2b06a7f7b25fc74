from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """Who did what, and when. Written by services through ``log_action()``, never edited."""

    created_at = models.DateTimeField(_("Zeitpunkt"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ausgeführt von"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("Aktion"), max_length=100, db_index=True)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    target = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(_("Objekt"), max_length=300, blank=True)
    data = models.JSONField(_("Daten"), default=dict, blank=True)

    class Meta:
        verbose_name = _("Protokolleintrag")
        verbose_name_plural = _("Protokoll")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        from kohorte.core.templatetags.labels import action_label

        if self.created_at is None:  # not saved yet
            return f"{action_label(self.action)} {self.object_repr}"
        when = date_format(localtime(self.created_at), "SHORT_DATETIME_FORMAT")
        return f"{when} {action_label(self.action)} {self.object_repr}"


class ContentVersion(models.Model):
    """A counter per content area, bumped on every change; part of the public page-cache key.

    One tiny primary-key read per request tells every web instance whether its cached pages are
    still current, so several instances never serve stale content after an edit.
    """

    key = models.CharField(max_length=50, primary_key=True)
    version = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("Inhaltsversion")
        verbose_name_plural = _("Inhaltsversionen")

    def __str__(self):
        return f"{self.key}={self.version}"


class ScheduledJob(models.Model):
    """One periodic job (see ``kohorte.core.schedule``): when it is next due and who runs it."""

    name = models.CharField(_("Name"), max_length=100, unique=True)
    period = models.CharField(_("Rhythmus"), max_length=100)
    next_run_at = models.DateTimeField(_("nächster Lauf"))
    lease_until = models.DateTimeField(_("reserviert bis"), null=True, blank=True)
    leased_by = models.CharField(_("reserviert von"), max_length=100, blank=True)
    last_run_at = models.DateTimeField(_("letzter Lauf"), null=True, blank=True)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    run_count = models.PositiveIntegerField(_("Läufe"), default=0)

    class Meta:
        verbose_name = _("geplante Aufgabe")
        verbose_name_plural = _("geplante Aufgaben")
        ordering = ["name"]

    def __str__(self):
        return self.name
