"""The mail event of revocation: the holder learns that their certificate was revoked, and why.

Registered when credentials is loaded (CredentialsConfig.ready()); the key and placeholders are
a contract with saved templates, so they do not change.
"""

from collections.abc import Callable
from typing import cast

from django.utils.translation import gettext_lazy

from kohorte.comms.events import PROGRAM, RECIPIENT, Category, MailEvent, Placeholder, register

_ = cast(Callable[[str], str], gettext_lazy)

CERTIFICATE_REVOKED = register(
    MailEvent(
        key="credentials.certificate_revoked",
        label=_("Zertifikat widerrufen (an die Inhaber:in)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "reason": Placeholder(_("Grund des Widerrufs"), "Fehler in den Angaben"),
            "verification_url": Placeholder(
                _("Adresse der Prüfseite"), "https://kohorte.example.org/zertifikate/pruefen/abc/"
            ),
        },
        subject={
            "de": "Ihr Zertifikat wurde widerrufen – {{ program_title }}",
            "en": "Your certificate has been revoked – {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nIhr Zertifikat über das Programm „{{ program_title }}“ ({{ cohort_name }}) wurde widerrufen. Grund:\n{{ reason }}\n\nWer das Zertifikat prüft, sieht ab jetzt, dass es widerrufen ist:\n{{ verification_url }}\n\nBei Fragen antworten Sie bitte auf diese Mail.\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\nyour certificate for the programme “{{ program_title }}” ({{ cohort_name }}) has been revoked. Reason:\n{{ reason }}\n\nAnyone who checks the certificate now sees that it is revoked:\n{{ verification_url }}\n\nIf you have questions, please reply to this mail.\n\nKind regards\nThe programme team",
        },
    )
)
