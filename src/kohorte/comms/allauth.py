"""allauth's account adapter with its mails sent through the outbox (settings.ACCOUNT_ADAPTER).

It extends accounts' adapter (who may sign up) with the sending: comms comes after accounts, so
this is the direction of the import.
"""

import uuid

from django.utils.translation import get_language

from kohorte.accounts.adapter import AccountAdapter as BaseAccountAdapter
from kohorte.comms.secrets import marker, neutralise
from kohorte.comms.services import queue_mail, queue_prerendered

# allauth's mails that have a Kohorte template (editable by staff, in de and en).
TEMPLATED = {
    "account/email/email_confirmation_signup": "account.email_confirmation",
    "account/email/email_confirmation": "account.email_confirmation",
    "account/email/password_reset_key": "account.password_reset",
}
# What allauth puts in a mail's context that acts for the recipient: never stored in clear,
# never shown to staff (comms/secrets.py).
SECRET_KEYS = ("activate_url", "password_reset_url", "key", "code")


class AccountAdapter(BaseAccountAdapter):
    def send_mail(self, template_prefix, email, context):
        """Every account mail goes through the outbox (retries, log, staff can read it); its
        links and codes are stored encrypted and shown to staff redacted."""
        user = context.get("user")
        user = user if getattr(user, "pk", None) else None
        language = getattr(user, "preferred_language", None) or get_language()
        # Each request is a new mail with a new link: a fresh idempotency key.
        key = f"{template_prefix}:{uuid.uuid4()}"
        if event_key := TEMPLATED.get(template_prefix):
            queue_mail(
                event_key,
                to=email,
                user=user,
                language=language,
                idempotency_key=key,
                context={
                    "activate_url": context.get("activate_url", ""),
                    "password_reset_url": context.get("password_reset_url", ""),
                },
            )
            return
        secrets = {
            name: str(context[name]) for name in SECRET_KEYS if context.get(name) not in ("", None)
        }
        masked = {
            name: marker(name) if name in secrets else neutralise(value)
            for name, value in context.items()
        }
        message = self.render_mail(template_prefix, email, masked)
        html = next(
            (c for c, mime in getattr(message, "alternatives", []) if mime == "text/html"), ""
        )
        body = message.body
        for name, value in secrets.items():  # in case a template got the value another way
            body, html = body.replace(value, marker(name)), html.replace(value, marker(name))
        queue_prerendered(
            f"allauth.{template_prefix.rsplit('/', 1)[-1]}",
            to=email,
            user=user,
            language=language,
            subject=message.subject,
            body_text=body,
            body_html=html,
            idempotency_key=key,
            secrets=secrets,
        )
