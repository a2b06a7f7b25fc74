"""The mail to a holder when a certificate is issued (or re-issued), with the signed PDF and
the Open Badges credential attached. Registered when credentials is loaded (ready())."""

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
