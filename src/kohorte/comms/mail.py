"""comms' own mail events: the account mails (allauth) and the bulk message.

Registered when comms is loaded (CommsConfig.ready()).
"""

from django.utils.translation import gettext_lazy as _

from kohorte.comms.events import (
    RECIPIENT,
    Category,
    MailEvent,
    register,
    secret,
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
