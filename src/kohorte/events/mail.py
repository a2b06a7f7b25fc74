"""The mail events of event registration: the public's confirmation (double opt-in), the
place or the waiting list, moving up, and the reminder the day before (with an .ics file).

Registered when events is loaded (EventsConfig.ready()); keys and placeholders are a contract
with saved templates, so they do not change.
"""

from collections.abc import Callable
from typing import cast

from django.utils.translation import gettext_lazy

from kohorte.comms.events import RECIPIENT, Category, MailEvent, Placeholder, register, secret

_ = cast(Callable[[str], str], gettext_lazy)

EVENT = {
    "event_title": Placeholder(_("Titel der Veranstaltung"), "Brown Bag Lunch: Open Data"),
    "event_when": Placeholder(_("Datum und Uhrzeit"), "5. März 2027, 12:00–13:00 Uhr"),
    "event_url": Placeholder(
        _("Seite der Veranstaltung"), "https://kohorte.example.org/veranstaltungen/1/"
    ),
}
CANCEL = {
    "cancel_url": secret(
        _("Link zur Abmeldung"),
        "https://kohorte.example.org/veranstaltungen/abmelden/abc123/",
        "cancel_url",
        label=_("[Link zur Abmeldung, nur für die angemeldete Person]"),
    ),
}
SIGNATURE_DE = "\n\nMit freundlichen Grüßen\nIhr Programmteam"
SIGNATURE_EN = "\n\nKind regards\nThe programme team"
CANCEL_DE = "{% if cancel_url %}\n\nFalls Sie nicht teilnehmen können, melden Sie sich bitte hier ab:\n{{ cancel_url }}{% endif %}"
CANCEL_EN = (
    "{% if cancel_url %}\n\nIf you cannot attend, please cancel here:\n{{ cancel_url }}{% endif %}"
)

register(
    MailEvent(
        key="events.confirm_address",
        label=_("Anmeldung: Bitte E-Mail-Adresse bestätigen (Öffentlichkeit)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **EVENT,
            "confirm_url": secret(
                _("Link zur Bestätigung"),
                "https://kohorte.example.org/veranstaltungen/bestaetigen/abc123/",
                "confirm_url",
                label=_("[Link zur Bestätigung, nur für die angemeldete Person]"),
            ),
            "deadline": Placeholder(_("Link gültig bis"), "5. Januar 2027, 23:59 Uhr"),
        },
        subject={
            "de": "Bitte bestätigen Sie Ihre Anmeldung – {{ event_title }}",
            "en": "Please confirm your registration – {{ event_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nSie haben sich für „{{ event_title }}“ am {{ event_when }} angemeldet. Bitte bestätigen Sie Ihre E-Mail-Adresse bis {{ deadline }} hier:\n{{ confirm_url }}\n\nErst danach zählt Ihr Platz. Wenn Sie sich nicht angemeldet haben, ignorieren Sie diese Mail bitte."
            + SIGNATURE_DE,
            "en": "Dear {{ recipient_name }},\n\nyou have registered for “{{ event_title }}” on {{ event_when }}. Please confirm your e-mail address by {{ deadline }} here:\n{{ confirm_url }}\n\nOnly then does your place count. If you did not register, please ignore this mail."
            + SIGNATURE_EN,
        },
    )
)

register(
    MailEvent(
        key="events.registered",
        label=_("Anmeldung zu einer Veranstaltung bestätigt"),
        category=Category.TRANSACTIONAL,
        placeholders={**RECIPIENT, **EVENT, **CANCEL},
        subject={
            "de": "Sie sind angemeldet – {{ event_title }}",
            "en": "You are registered – {{ event_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nSie sind für „{{ event_title }}“ am {{ event_when }} angemeldet. Den Zugangslink senden wir Ihnen am Vortag; Sie finden die Veranstaltung hier:\n{{ event_url }}"
            + CANCEL_DE
            + SIGNATURE_DE,
            "en": "Dear {{ recipient_name }},\n\nyou are registered for “{{ event_title }}” on {{ event_when }}. We will send you the link to join the day before; the event's page:\n{{ event_url }}"
            + CANCEL_EN
            + SIGNATURE_EN,
        },
    )
)

register(
    MailEvent(
        key="events.waiting",
        label=_("Veranstaltung ausgebucht: auf der Warteliste"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **EVENT,
            **CANCEL,
            "position": Placeholder(_("Platz auf der Warteliste"), "3"),
        },
        subject={
            "de": "Warteliste – {{ event_title }}",
            "en": "Waiting list – {{ event_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\n„{{ event_title }}“ am {{ event_when }} ist ausgebucht. Sie stehen auf Platz {{ position }} der Warteliste. Sobald jemand absagt, rücken Sie in der Reihenfolge der Anmeldung nach; wir schreiben Ihnen dann."
            + CANCEL_DE
            + SIGNATURE_DE,
            "en": "Dear {{ recipient_name }},\n\n“{{ event_title }}” on {{ event_when }} is fully booked. You are number {{ position }} on the waiting list. When somebody cancels, people move up in the order they registered; we will write to you then."
            + CANCEL_EN
            + SIGNATURE_EN,
        },
    )
)

register(
    MailEvent(
        key="events.moved_up",
        label=_("Von der Warteliste nachgerückt"),
        category=Category.TRANSACTIONAL,
        placeholders={**RECIPIENT, **EVENT},
        subject={
            "de": "Ein Platz ist frei geworden – {{ event_title }}",
            "en": "A place has become free – {{ event_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\njemand hat abgesagt: Sie sind jetzt für „{{ event_title }}“ am {{ event_when }} angemeldet. Den Zugangslink senden wir Ihnen am Vortag; die Veranstaltung:\n{{ event_url }}\n\nFalls Sie nicht mehr teilnehmen können, nutzen Sie bitte den Abmeldelink aus unserer ersten Mail oder melden Sie sich auf der Seite ab."
            + SIGNATURE_DE,
            "en": "Dear {{ recipient_name }},\n\nsomebody has cancelled: you are now registered for “{{ event_title }}” on {{ event_when }}. We will send you the link to join the day before; the event:\n{{ event_url }}\n\nIf you can no longer attend, please use the cancellation link in our first mail or cancel on the page."
            + SIGNATURE_EN,
        },
    )
)

register(
    MailEvent(
        key="events.reminder",
        label=_("Erinnerung am Vortag mit Zugangslink und Kalenderdatei"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **EVENT,
            "online_url": Placeholder(
                _("Zugangslink (nur für Angemeldete)"), "https://meet.example.org/kohorte"
            ),
        },
        subject={
            "de": "Morgen: {{ event_title }}",
            "en": "Tomorrow: {{ event_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nwir freuen uns auf Sie morgen bei „{{ event_title }}“ ({{ event_when }}).{% if online_url %}\n\nSo nehmen Sie teil:\n{{ online_url }}{% endif %}\n\nIm Anhang finden Sie den Termin für Ihren Kalender."
            + SIGNATURE_DE,
            "en": "Dear {{ recipient_name }},\n\nwe look forward to seeing you tomorrow at “{{ event_title }}” ({{ event_when }}).{% if online_url %}\n\nJoin here:\n{{ online_url }}{% endif %}\n\nThe attached file adds the date to your calendar."
            + SIGNATURE_EN,
        },
    )
)
