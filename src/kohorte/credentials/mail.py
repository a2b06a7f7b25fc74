"""The mail events of certificates: to the holder when a certificate is issued (or re-issued),
with the signed PDF and the Open Badges credential attached, and when it is revoked, with the
reason. Registered when credentials is loaded (CredentialsConfig.ready()); keys and
placeholders are a contract with saved templates, so they do not change."""

from collections.abc import Callable
from typing import cast

from django.utils.translation import gettext_lazy

from kohorte.comms.events import PROGRAM, RECIPIENT, Category, MailEvent, Placeholder, register

_ = cast(Callable[[str], str], gettext_lazy)

register(
    MailEvent(
        key="credentials.issued",
        label=_("Zertifikat ausgestellt (mit PDF und digitalem Nachweis)"),
        category=Category.TRANSACTIONAL,
        placeholders={
            **RECIPIENT,
            **PROGRAM,
            "verification_url": Placeholder(
                _("Prüfadresse des Zertifikats"),
                "https://kohorte.example.org/zertifikate/pruefen/Xy7abc/",
            ),
            "programme_url": Placeholder(
                _("Seite „Mein Programm“"), "https://kohorte.example.org/mein-programm/"
            ),
        },
        subject={
            "de": "Ihr Zertifikat – {{ program_title }}",
            "en": "Your certificate – {{ program_title }}",
        },
        body={
            "de": "Guten Tag {{ recipient_name }},\n\nherzlichen Glückwunsch: Sie haben das Programm „{{ program_title }}“ ({{ cohort_name }}) abgeschlossen. Im Anhang finden Sie Ihr elektronisch signiertes Zertifikat (PDF) und, sofern vorhanden, Ihren digitalen Nachweis (Open Badge, Datei .jwt).\n\nJede Person kann Ihr Zertifikat hier prüfen:\n{{ verification_url }}\n\nSie finden beides auch jederzeit unter „Mein Programm“:\n{{ programme_url }}\n\nMit freundlichen Grüßen\nIhr Programmteam",
            "en": "Dear {{ recipient_name }},\n\ncongratulations: you have completed the programme “{{ program_title }}” ({{ cohort_name }}). Attached are your electronically signed certificate (PDF) and, where available, your digital credential (Open Badge, .jwt file).\n\nAnyone can verify your certificate here:\n{{ verification_url }}\n\nYou can also find both at any time under “My programme”:\n{{ programme_url }}\n\nKind regards\nThe programme team",
        },
    )
)

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
