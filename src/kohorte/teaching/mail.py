"""The mail events of teaching: the employer's release (request, reminder, confirmation, decline).

Registered when teaching is loaded (TeachingConfig.ready()); keys and placeholders are a
contract with saved templates, so they do not change.
"""

from collections.abc import Callable
from typing import cast

from django.utils.translation import gettext_lazy

from kohorte.comms.events import (
    PROGRAM,
    RECIPIENT,
    Category,
    MailEvent,
    Placeholder,
    register,
    secret,
)

# comms types labels as str; a lazy string is what it stores and renders (in the reader's
# language), so this module says so once instead of silencing mypy for the file.
_ = cast(Callable[[str], str], gettext_lazy)

PARTICIPANT = {
    "participant_name": Placeholder(_("Name der Teilnehmerin / des Teilnehmers"), "Tara Teil"),
}

RELEASE_REQUESTED = register(
    MailEvent(
        key="teaching.release_requested",
        label=_("Bitte um Bestätigung der Freistellung (an die vorgesetzte Person)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            **PARTICIPANT,
            "confirm_url": secret(
                _("Link zur Bestätigung"),
                "https://kohorte.example.org/freistellung/abc123/",
                "confirm_url",
                label=_("[Link zur Bestätigung, nur für die vorgesetzte Person]"),
            ),
            "deadline": Placeholder(_("Link gültig bis"), "5. Januar 2027, 23:59 Uhr"),
        },
        subject={
            "de": "Bitte bestätigen Sie die Freistellung – {{ program_title }}",
            "en": "Please confirm the release from work – {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\n{{ participant_name }} nimmt am {{ cohort_name }} des Programms „{{ program_title }}“ teil und hat Sie als vorgesetzte Person genannt. Bitte bestätigen Sie die Freistellung für die Modultage bis {{ deadline }} ohne Anmeldung hier:\n{{ confirm_url }}\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\n{{ participant_name }} takes part in {{ cohort_name }} of the programme “{{ program_title }}” and has named you as their supervisor. Please confirm their release from work for the module days by {{ deadline }}, without an account, here:\n{{ confirm_url }}\n\nKind regards\nThe programme team",
        },
    )
)

register(
    MailEvent(
        key="teaching.release_reminder",
        label=_("Erinnerung an die Bestätigung der Freistellung"),
        category=Category.TRANSACTIONAL,
        placeholders=RELEASE_REQUESTED.placeholders,
        subject={
            "de": "Erinnerung: Bitte bestätigen Sie die Freistellung – {{ program_title }}",
            "en": "Reminder: please confirm the release from work – {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nwir erinnern freundlich an die Freistellung von {{ participant_name }} für das Programm „{{ program_title }}“. Sie können sie bis {{ deadline }} ohne Anmeldung hier bestätigen:\n{{ confirm_url }}\n\nDer Link aus unserer ersten Mail gilt nicht mehr.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\na friendly reminder of the release from work for {{ participant_name }} (“{{ program_title }}”). You can confirm it by {{ deadline }}, without an account, here:\n{{ confirm_url }}\n\nThe link in our first mail no longer works.\n\nKind regards\nThe programme team",
        },
    )
)

register(
    MailEvent(
        key="teaching.release_confirmed",
        label=_("Freistellung bestätigt (an die Teilnehmer:in)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            **PARTICIPANT,
            "supervisor_name": Placeholder(
                _("Name der vorgesetzten Person"), "Dr. Vera Vorgesetzt"
            ),
        },
        subject={
            "de": "Ihre Freistellung ist bestätigt",
            "en": "Your release from work is confirmed",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\n{{ supervisor_name }} hat Ihre Freistellung für den {{ cohort_name }} bestätigt.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\n{{ supervisor_name }} has confirmed your release from work for {{ cohort_name }}.\n\nKind regards\nThe programme team",
        },
    )
)

register(
    MailEvent(
        key="teaching.release_declined",
        label=_("Freistellung abgelehnt (an die Teilnehmer:in)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            **PARTICIPANT,
            "supervisor_name": Placeholder(
                _("Name der vorgesetzten Person"), "Dr. Vera Vorgesetzt"
            ),
            "reason": Placeholder(
                _("Begründung der vorgesetzten Person (kann leer sein)"),
                # lazy: the example is read in the language of the template being edited
                _("Im März ist die Abteilung unterbesetzt."),
            ),
        },
        subject={
            "de": "Ihre Freistellung wurde abgelehnt",
            "en": "Your release from work was declined",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\n{{ supervisor_name }} hat Ihre Freistellung für den {{ cohort_name }} des Programms „{{ program_title }}“ abgelehnt.\n{% if reason %}\nBegründung: {{ reason }}\n{% endif %}\nBitte sprechen Sie mit Ihrer Dienststelle. Unter „Mein Programm“ können Sie danach erneut eine vorgesetzte Person nennen, auch dieselbe. Bei Fragen hilft Ihnen das Programmteam.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\n{{ supervisor_name }} has declined your release from work for {{ cohort_name }} of the programme “{{ program_title }}”.\n{% if reason %}\nReason: {{ reason }}\n{% endif %}\nPlease talk to your authority. Afterwards you can name a supervisor again under “My programme”, the same person too. The programme team is happy to help.\n\nKind regards\nThe programme team",
        },
    )
)
