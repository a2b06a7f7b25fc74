"""Mail: templates per event and language, the outbox, bulk batches and opt-outs."""

import uuid

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from kohorte.comms.events import Category

LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]


class MessageTemplate(models.Model):
    """The text of one mail event in one language. Validated on save (rendering.py)."""

    event_key = models.CharField(_("Ereignis"), max_length=60)
    language = models.CharField(_("Sprache"), max_length=5, choices=LANGUAGES)
    subject = models.CharField(_("Betreff"), max_length=300)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML-Text"), blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("geändert von"),
    )

    class Meta:
        verbose_name = _("Mailvorlage")
        verbose_name_plural = _("Mailvorlagen")
        ordering = ["event_key", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event_key", "language"], name="template_unique_lang")
        ]

    def __str__(self):
        return f"{self.event_key} ({self.language})"


class Batch(models.Model):
    """A bulk send: one composed text, many recipients, reviewed before it goes out."""

    class State(models.TextChoices):
        HELD = "held", _("zurückgehalten")
        SCHEDULED = "scheduled", _("geplant")
        RELEASED = "released", _("freigegeben")
        CANCELLED = "cancelled", _("storniert")

    # Only comms.states.set_batch_state moves a batch.
    TRANSITIONS = {
        State.HELD: {State.RELEASED, State.CANCELLED},
        State.SCHEDULED: {State.RELEASED, State.CANCELLED},
        State.RELEASED: set(),
        State.CANCELLED: set(),
    }

    segment = models.CharField(_("Empfängerkreis"), max_length=100)
    segment_label = models.CharField(_("Empfängerkreis (Bezeichnung)"), max_length=300)
    category = models.CharField(_("Art"), max_length=20, choices=Category.CHOICES)
    subject = models.CharField(_("Betreff"), max_length=300)
    body_text = models.TextField(_("Text"))
    state = models.CharField(_("Status"), max_length=20, choices=State.choices)
    scheduled_for = models.DateTimeField(_("geplant für"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("Empfänger:innen"), default=0)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    released_at = models.DateTimeField(_("freigegeben am"), null=True, blank=True)
    released_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("freigegeben von"),
    )
    cancelled_at = models.DateTimeField(_("storniert am"), null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("storniert von"),
    )

    class Meta:
        verbose_name = _("Sammelsendung")
        verbose_name_plural = _("Sammelsendungen")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="scheduled") | Q(scheduled_for__isnull=False),
                name="batch_scheduled_has_time",
            )
        ]

    def __str__(self):
        return self.subject


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now):
        return self.filter(state=OutboxMessage.State.QUEUED, next_attempt_at__lte=now)

    def for_recipient(self, email):
        return self.filter(recipient_email__iexact=email)


class OutboxMessage(models.Model):
    """One mail to one person, rendered when queued. The worker sends it (delivery.py).

    queued → sending → sent | failed; held (waiting for release) → queued; held | queued →
    cancelled; rejected (never queued: no valid address, or opted out). Only the functions of
    comms/states.py move a mail.
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("in Warteschlange")
        SENDING = "sending", _("wird gesendet")
        SENT = "sent", _("gesendet")
        FAILED = "failed", _("fehlgeschlagen")
        HELD = "held", _("zurückgehalten")
        CANCELLED = "cancelled", _("storniert")
        REJECTED = "rejected", _("nicht eingereiht")

    TRANSITIONS = {
        State.QUEUED: {State.SENDING, State.CANCELLED},
        State.SENDING: {State.SENT, State.QUEUED, State.FAILED},
        State.HELD: {State.QUEUED, State.CANCELLED},
        State.FAILED: {State.QUEUED},
        State.SENT: set(),
        State.CANCELLED: set(),
        State.REJECTED: set(),
    }

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    recipient_email = models.CharField(_("Empfänger:in (E-Mail)"), max_length=320, blank=True)
    recipient_name = models.CharField(_("Empfänger:in (Name)"), max_length=200, blank=True)
    recipient_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mails",
        verbose_name=_("Konto"),
    )
    language = models.CharField(_("Sprache"), max_length=5, choices=LANGUAGES, default="de")
    event_key = models.CharField(_("Ereignis"), max_length=60, db_index=True)
    category = models.CharField(_("Art"), max_length=20, choices=Category.CHOICES)
    subject = models.CharField(_("Betreff"), max_length=300)
    body_text = models.TextField(_("Text"))
    body_html = models.TextField(_("HTML-Text"), blank=True)
    headers = models.JSONField(_("zusätzliche Kopfzeilen"), default=dict, blank=True)
    # Text attachments (e.g. an .ics invitation): [{"filename", "mimetype", "content"}].
    attachments = models.JSONField(_("Anhänge"), default=list, blank=True)
    # The secret links of this mail, encrypted (comms/secrets.py); the bodies hold markers.
    # Wiped when the mail is sent or cancelled.
    secrets = models.TextField(blank=True, default="", editable=False)
    content_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    object_id = models.CharField(max_length=64, blank=True)
    concerning = GenericForeignKey("content_type", "object_id")
    batch = models.ForeignKey(
        Batch,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="messages",
        verbose_name=_("Sammelsendung"),
    )
    state = models.CharField(_("Status"), max_length=20, choices=State.choices)
    attempts = models.PositiveSmallIntegerField(_("Versuche"), default=0)
    last_error = models.TextField(_("letzter Fehler"), blank=True)
    next_attempt_at = models.DateTimeField(_("nächster Versuch"), null=True, blank=True)
    sending_since = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("gesendet am"), null=True, blank=True)
    message_id = models.CharField(_("Message-ID"), max_length=300, unique=True)
    idempotency_key = models.CharField(_("Idempotenzschlüssel"), max_length=300, unique=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("Mail im Postausgang")
        verbose_name_plural = _("Postausgang")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="outbox_due"),
            models.Index(fields=["-created_at", "-id"], name="outbox_recent"),
            models.Index(fields=["recipient_email"], name="outbox_recipient"),
        ]

    def __str__(self):
        return f"{self.recipient_email}: {self.subject}"

    def redacted_body_text(self) -> str:
        """The text as staff may read it: every secret replaced by its label."""
        from kohorte.comms.events import SECRET_LABELS
        from kohorte.comms.secrets import redact

        return redact(self.body_text, {k: str(v) for k, v in SECRET_LABELS.items()})

    def redacted_headers(self) -> dict[str, str]:
        from kohorte.comms.secrets import redact

        label = str(_("[Abmeldelink, nur für die Empfängerin / den Empfänger]"))
        return {k: redact(v, {"unsubscribe_url": label}) for k, v in self.headers.items()}

    def redacted_body_html(self) -> str:
        from kohorte.comms.events import SECRET_LABELS
        from kohorte.comms.secrets import redact

        return redact(self.body_html, {k: str(v) for k, v in SECRET_LABELS.items()})


class OptOut(models.Model):
    """Somebody who wants no more mail of a non-transactional category."""

    email = models.CharField(_("E-Mail"), max_length=320)
    category = models.CharField(_("Art"), max_length=20, choices=Category.CHOICES)
    created_at = models.DateTimeField(_("abgemeldet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Abmeldung")
        verbose_name_plural = _("Abmeldungen")
        constraints = [models.UniqueConstraint(fields=["email", "category"], name="optout_unique")]

    def __str__(self):
        return f"{self.email} ({self.category})"
