"""The mail events of selection: decisions, offers and the reviewers' assignment mail.

Registered when selection is loaded (SelectionConfig.ready()); keys, placeholders and texts
are a contract with the saved templates (MessageTemplate rows), so they do not change.
"""

from django.utils.translation import gettext_lazy as _

from kohorte.comms.events import (
    PROGRAM,
    RECIPIENT,
    Category,
    MailEvent,
    Placeholder,
    register,
    secret,
)

OFFER_LINK = _("[Link zur Zu- oder Absage, nur für die Empfängerin / den Empfänger]")

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
                _("Link zum Angebot"),
                "https://kohorte.example.org/angebot/42/",
                "offer_url",
                label=OFFER_LINK,
            ),
            "accept_url": secret(
                _("Link zum Annehmen"),
                "https://kohorte.example.org/angebot/42/?antwort=ja",
                "accept_url",
                label=OFFER_LINK,
            ),
            "decline_url": secret(
                _("Link zum Ablehnen"),
                "https://kohorte.example.org/angebot/42/?antwort=nein",
                "decline_url",
                label=OFFER_LINK,
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
