"""The mail events of admissions: receipts, referee requests, reminders, extensions.

Registered when admissions is loaded (AdmissionsConfig.ready()); keys, placeholders and texts
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

REFEREE_REQUESTED = register(
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
                label=_("[Link zum Hochladen, nur für die Referenzgeberin / den Referenzgeber]"),
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
        key="referee.reminder",
        label=_("Erinnerung an das Empfehlungsschreiben"),
        category=Category.TRANSACTIONAL,
        placeholders=REFEREE_REQUESTED.placeholders,
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
