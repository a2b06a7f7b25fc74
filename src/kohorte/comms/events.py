"""The registry of mail events: what a mail event is, its placeholders and secrets.

The registry is code (each event is a contract between the code that sends it and the
templates); the texts are data (MessageTemplate rows, edited by staff). Without a row for a
language, the default text of the event is used, so a mail never fails for want of a template.

comms knows no domain event: each app declares its events in its own ``mail.py`` and registers
them when it is loaded (``AppConfig.ready()``); comms' own events (account mails, bulk
messages) are in ``comms/mail.py``. Every lookup (the template editor, bulk, preview, queueing)
happens after the apps are loaded and so sees every event.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


class Category:
    TRANSACTIONAL = "transactional"  # receipts, decisions, account mails: always sent
    NEWS = "news"  # program news: opt-out honoured
    SERIES = "series"  # speaker-series announcements: opt-out honoured

    CHOICES = [
        (TRANSACTIONAL, _("Transaktional (immer zugestellt)")),
        (NEWS, _("Programmnachrichten")),
        (SERIES, _("Speaker Series")),
    ]
    OPTIONAL = {NEWS, SERIES}


@dataclass(frozen=True)
class Placeholder:
    description: str
    example: str
    # A secret (a link that acts for the recipient): stored encrypted, shown to staff as this
    # label, inserted only when the mail is sent (comms/secrets.py).
    secret_label: str = ""


# Every secret a mail can carry, by placeholder name, with what staff see instead of it. The
# account secrets are comms' own; the apps add theirs with secret(..., label=...).
SECRET_LABELS = {
    "password_reset_url": _("[Link zum Zurücksetzen, nur für die Empfängerin / den Empfänger]"),
    "activate_url": _("[Bestätigungslink, nur für die Empfängerin / den Empfänger]"),
    "code": _("[Code, nur für die Empfängerin / den Empfänger]"),
    "key": _("[Code, nur für die Empfängerin / den Empfänger]"),
}


def secret(description, example: str, name: str, label=None) -> Placeholder:
    """A secret placeholder; ``label`` registers a new secret name with what staff see."""
    if label is not None:
        SECRET_LABELS.setdefault(name, label)
    return Placeholder(description, example, secret_label=SECRET_LABELS[name])


@dataclass(frozen=True)
class MailEvent:
    key: str
    label: str
    category: str
    placeholders: dict[str, Placeholder]
    subject: dict[str, str]
    body: dict[str, str]
    html: dict[str, str] = field(default_factory=dict)
    editable: bool = True  # False: the text comes from elsewhere (a bulk batch)


RECIPIENT = {
    "recipient_name": Placeholder(_("Name der Empfängerin / des Empfängers"), "Dr. Erika Muster"),
}
PROGRAM = {
    "program_title": Placeholder(
        _("Titel des Programms"),
        "Künstliche Intelligenz und Data Science für die öffentliche Verwaltung",
    ),
    "cohort_name": Placeholder(_("Name des Jahrgangs"), "2. Jahrgang 2027"),
}

EVENTS: dict[str, MailEvent] = {}


def register(event: MailEvent) -> MailEvent:
    """Add an event to the registry (from an app's ``mail.py``, imported in ``ready()``)."""
    EVENTS[event.key] = event
    return event
