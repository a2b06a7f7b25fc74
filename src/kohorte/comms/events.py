"""The mail events the code sends, with their placeholders and default texts.

The registry is code (each event is a contract between the code that sends it and the
templates); the texts are data (MessageTemplate rows, edited by staff). Without a row for a
language, the default text here is used, so a mail never fails for want of a template.
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


# Every secret a mail can carry, by placeholder name, with what staff see instead of it.
SECRET_LABELS = {
    "password_reset_url": _("[Link zum Zurücksetzen, nur für die Empfängerin / den Empfänger]"),
    "activate_url": _("[Bestätigungslink, nur für die Empfängerin / den Empfänger]"),
    "upload_url": _("[Link zum Hochladen, nur für die Referenzgeberin / den Referenzgeber]"),
    "offer_url": _("[Link zur Zu- oder Absage, nur für die Empfängerin / den Empfänger]"),
    "accept_url": _("[Link zur Zu- oder Absage, nur für die Empfängerin / den Empfänger]"),
    "decline_url": _("[Link zur Zu- oder Absage, nur für die Empfängerin / den Empfänger]"),
    "code": _("[Code, nur für die Empfängerin / den Empfänger]"),
    "key": _("[Code, nur für die Empfängerin / den Empfänger]"),
}


def secret(description, example: str, name: str) -> Placeholder:
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
    EVENTS[event.key] = event
    return event


register(
    MailEvent(
        key="application.submitted",
        label=_("Bewerbung eingegangen (Eingangsbestätigung)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "submitted_at": Placeholder(_("Zeitpunkt der Abgabe"), "14. Juni 2027, 18:03 Uhr"),
            "decision_on": Placeholder(_("Datum der Auswahlentscheidung"), "15. Juli 2027"),
            "application_url": Placeholder(
                _("Link zur Bewerbung"),
                "https://kohorte.example.org/ki-data-science/jahrgaenge/jahrgang-2/bewerben/",
            ),
        },
        subject={
            "de": "Ihre Bewerbung ist eingegangen: {{ program_title }}",
            "en": "We have received your application: {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nIhre Bewerbung für den {{ cohort_name }} ist am {{ submitted_at }} eingegangen. Die Entscheidung erhalten Sie bis {{ decision_on }}. Ihre Bewerbung und ihren Stand finden Sie jederzeit unter\n{{ application_url }}\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nyour application for {{ cohort_name }} arrived on {{ submitted_at }}. You will receive the decision by {{ decision_on }}. You can see your application and its status at any time at\n{{ application_url }}\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="referee.requested",
        label=_("Bitte um ein Empfehlungsschreiben"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "applicant_name": Placeholder(_("Name der Bewerberin / des Bewerbers"), "Max Beispiel"),
            "upload_url": secret(
                _("Link zum Hochladen"),
                "https://kohorte.example.org/empfehlung/abc123/",
                "upload_url",
            ),
            "deadline": Placeholder(_("Frist"), "15. Juni 2027"),
        },
        subject={
            "de": "Bitte um ein Empfehlungsschreiben – {{ program_title }}",
            "en": "Request for a letter of recommendation – {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\n{{ applicant_name }} bewirbt sich für „{{ program_title }}“ und bittet Sie um ein Empfehlungsschreiben. Sie können es bis {{ deadline }} ohne Anmeldung hier hochladen:\n{{ upload_url }}\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\n{{ applicant_name }} is applying for “{{ program_title }}” and asks you for a letter of recommendation. You can upload it by {{ deadline }} without an account here:\n{{ upload_url }}\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="decision.admitted",
        label=_("Zusage"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "accept_by": Placeholder(_("Frist für die Annahme"), "1. August 2027"),
            "offer_url": secret(
                _("Link zum Angebot"), "https://kohorte.example.org/angebot/42/", "offer_url"
            ),
            "accept_url": secret(
                _("Link zum Annehmen"),
                "https://kohorte.example.org/angebot/42/?antwort=ja",
                "accept_url",
            ),
            "decline_url": secret(
                _("Link zum Ablehnen"),
                "https://kohorte.example.org/angebot/42/?antwort=nein",
                "decline_url",
            ),
        },
        subject={
            "de": "Zusage: {{ program_title }}",
            "en": "Offer of a place: {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nwir freuen uns, Ihnen einen Platz im {{ cohort_name }} anbieten zu können. Bitte antworten Sie bis {{ accept_by }}.\n\nAngebot annehmen:\n{{ accept_url }}\n\nAngebot ablehnen (der Platz geht dann an die nächste Person auf der Warteliste):\n{{ decline_url }}\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nwe are pleased to offer you a place in {{ cohort_name }}. Please answer by {{ accept_by }}.\n\nAccept the offer:\n{{ accept_url }}\n\nDecline the offer (the place then goes to the next person on the waiting list):\n{{ decline_url }}\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="account.email_confirmation",
        label=_("Konto: E-Mail-Adresse bestätigen"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            "activate_url": secret(
                _("Bestätigungslink"),
                "https://kohorte.example.org/konto/bestaetigen/xyz/",
                "activate_url",
            ),
        },
        subject={
            "de": "Bitte bestätigen Sie Ihre E-Mail-Adresse",
            "en": "Please confirm your e-mail address",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nbitte bestätigen Sie Ihre E-Mail-Adresse über diesen Link:\n{{ activate_url }}\n\nWenn Sie kein Konto angelegt haben, können Sie diese Nachricht ignorieren.",
            "en": "Dear {{ recipient_name }},\n\nplease confirm your e-mail address with this link:\n{{ activate_url }}\n\nIf you did not create an account, you can ignore this message.",
        },
    )
)
register(
    MailEvent(
        key="account.password_reset",
        label=_("Konto: Passwort zurücksetzen"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            "password_reset_url": secret(
                _("Link zum Zurücksetzen"),
                "https://kohorte.example.org/konto/passwort/xyz/",
                "password_reset_url",
            ),
        },
        subject={"de": "Passwort zurücksetzen", "en": "Reset your password"},
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nSie können Ihr Passwort über diesen Link neu setzen:\n{{ password_reset_url }}\n\nWenn Sie das nicht angefordert haben, ignorieren Sie diese Nachricht; Ihr Passwort bleibt unverändert.",
            "en": "Dear {{ recipient_name }},\n\nyou can set a new password with this link:\n{{ password_reset_url }}\n\nIf you did not ask for this, ignore this message; your password stays the same.",
        },
    )
)
register(
    MailEvent(
        key="bulk.message",
        label=_("Sammelnachricht des Programmteams"),
        category=Category.NEWS,
        placeholders={**RECIPIENT},
        subject={"de": "", "en": ""},
        body={"de": "", "en": ""},
        editable=False,
    )
)
register(
    MailEvent(
        key="referee.reminder",
        label=_("Erinnerung an das Empfehlungsschreiben"),
        category=Category.TRANSACTIONAL,
        placeholders=EVENTS["referee.requested"].placeholders,
        subject={
            "de": "Erinnerung: Bitte um ein Empfehlungsschreiben – {{ program_title }}",
            "en": "Reminder: request for a letter of recommendation – {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nwir erinnern freundlich an das Empfehlungsschreiben für {{ applicant_name }} („{{ program_title }}“). Sie können es bis {{ deadline }} ohne Anmeldung hier hochladen:\n{{ upload_url }}\n\nDer Link aus unserer ersten Mail gilt nicht mehr.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\na friendly reminder of the letter of recommendation for {{ applicant_name }} (“{{ program_title }}”). You can upload it by {{ deadline }} without an account here:\n{{ upload_url }}\n\nThe link in our first mail no longer works.\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="referee.letter_received",
        label=_("Empfehlungsschreiben eingegangen (an die Bewerber:in)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "referee_name": Placeholder(
                _("Name der Referenzgeberin / des Referenzgebers"), "Dr. Rita Referenz"
            ),
        },
        subject={
            "de": "Ihr Empfehlungsschreiben ist eingegangen",
            "en": "Your letter of recommendation has arrived",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\ndas Empfehlungsschreiben von {{ referee_name }} für Ihre Bewerbung zum {{ cohort_name }} ist eingegangen.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nthe letter of recommendation from {{ referee_name }} for your application to {{ cohort_name }} has arrived.\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="application.withdrawn",
        label=_("Bewerbung zurückgezogen (Bestätigung)"),
        category=Category.TRANSACTIONAL,
        placeholders={**RECIPIENT, **PROGRAM},
        subject={"de": "Ihre Bewerbung ist zurückgezogen", "en": "Your application is withdrawn"},
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nSie haben Ihre Bewerbung für den {{ cohort_name }} zurückgezogen. Wir bestätigen dies hiermit.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nyou have withdrawn your application for {{ cohort_name }}. We hereby confirm this.\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="application.extension_granted",
        label=_("Fristverlängerung gewährt"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "until": Placeholder(_("neue Frist"), "22. Juni 2027, 23:59 Uhr"),
        },
        subject={
            "de": "Ihre Bewerbungsfrist ist verlängert",
            "en": "Your application deadline is extended",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nSie können Ihre Bewerbung für den {{ cohort_name }} bis {{ until }} einreichen.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nyou can submit your application for {{ cohort_name }} until {{ until }}.\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="application.draft_reminder",
        label=_("Erinnerung an eine unvollständige Bewerbung"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "deadline": Placeholder(_("Bewerbungsschluss"), "15. Juni 2027, 23:59 Uhr"),
            "application_url": Placeholder(
                _("Link zur Bewerbung"), "https://kohorte.example.org/bewerbung/42/"
            ),
        },
        subject={
            "de": "Ihre Bewerbung ist noch nicht vollständig",
            "en": "Your application is not complete yet",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nIhre Bewerbung für den {{ cohort_name }} ist noch nicht vollständig. Bewerbungsschluss ist am {{ deadline }}. Ihr Entwurf ist gespeichert; Sie können hier weitermachen:\n{{ application_url }}\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nyour application for {{ cohort_name }} is not complete yet. The deadline is {{ deadline }}. Your draft is saved; you can continue here:\n{{ application_url }}\n\nKind regards\nThe programme team",
        },
    )
)

register(
    MailEvent(
        key="decision.waitlisted",
        label=_("Warteliste"),
        category=Category.TRANSACTIONAL,
        placeholders={**RECIPIENT, **PROGRAM},
        subject={
            "de": "Ihre Bewerbung: Platz auf der Warteliste – {{ program_title }}",
            "en": "Your application: a place on the waiting list – {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nvielen Dank für Ihre Bewerbung für den {{ cohort_name }}. Die Auswahlkommission hat Sie auf die Warteliste gesetzt. Wird ein Platz frei, bieten wir ihn Ihnen per E-Mail an; Sie müssen dafür nichts tun.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nthank you for applying for {{ cohort_name }}. The selection committee has placed you on the waiting list. If a place becomes free, we will offer it to you by e-mail; you need not do anything.\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="decision.rejected",
        label=_("Absage"),
        category=Category.TRANSACTIONAL,
        placeholders={**RECIPIENT, **PROGRAM},
        subject={
            "de": "Ihre Bewerbung: {{ program_title }}",
            "en": "Your application: {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nvielen Dank für Ihre Bewerbung für den {{ cohort_name }}. Die Zahl der Plätze ist begrenzt, und die Auswahlkommission konnte Ihnen in diesem Jahrgang leider keinen Platz anbieten. Wir würden uns freuen, wenn Sie sich erneut bewerben.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nthank you for applying for {{ cohort_name }}. Places are limited, and the selection committee was unfortunately unable to offer you a place in this cohort. We would be glad if you applied again.\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="selection.assigned",
        label=_("Auswahlkommission: Bewerbungen zur Begutachtung"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "count": Placeholder(_("Zahl der offenen Gutachten"), "12"),
            "review_url": Placeholder(
                _("Link zur Begutachtung"), "https://kohorte.example.org/kommission/3/"
            ),
        },
        subject={
            "de": "{{ count }} Bewerbungen zur Begutachtung – {{ cohort_name }}",
            "en": "{{ count }} applications to review – {{ cohort_name }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nIhnen sind {{ count }} Bewerbungen für den {{ cohort_name }} zur Begutachtung zugeteilt. Sie finden sie hier:\n{{ review_url }}\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\n{{ count }} applications for {{ cohort_name }} are assigned to you for review. You find them here:\n{{ review_url }}\n\nKind regards\nThe programme team",
        },
    )
)
register(
    MailEvent(
        key="decision.offer_withdrawn",
        label=_("Angebot zurückgenommen"),
        category=Category.TRANSACTIONAL,
        placeholders={**RECIPIENT, **PROGRAM},
        subject={
            "de": "Ihr Platzangebot ist zurückgenommen – {{ program_title }}",
            "en": "Your offer of a place is withdrawn – {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nwir müssen das Angebot eines Platzes im {{ cohort_name }}, das wir Ihnen geschickt haben, leider zurücknehmen. Die Links in jener Mail gelten nicht mehr. Wir bitten um Entschuldigung; bei Fragen wenden Sie sich bitte an das Programmteam.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nwe regret that we have to withdraw the offer of a place in {{ cohort_name }} that we sent you. The links in that mail no longer work. We apologise; if you have any questions, please contact the programme team.\n\nKind regards\nThe programme team",
        },
    )
)
