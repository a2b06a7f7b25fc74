"""Opt-outs: the signed one-click unsubscribe link (derived at send time, never stored) and
honouring it."""

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.comms.events import Category
from kohorte.comms.models import OptOut, OutboxMessage
from kohorte.comms.secrets import marker
from kohorte.comms.states import move_messages
from kohorte.core.audit import log_action

State = OutboxMessage.State
UNSUBSCRIBE_SALT = "kohorte.comms.unsubscribe"


def unsubscribe_token(email: str, category: str) -> str:
    return signing.dumps({"e": email.lower(), "c": category}, salt=UNSUBSCRIBE_SALT)


def read_unsubscribe_token(token: str) -> tuple[str, str] | None:
    try:
        data = signing.loads(token, salt=UNSUBSCRIBE_SALT)
    except signing.BadSignature:
        return None
    if data.get("c") not in Category.OPTIONAL:
        return None
    return data["e"], data["c"]


def unsubscribe_url(email: str, category: str, language: str) -> str:
    with override(language):
        path = reverse("comms:unsubscribe", args=[unsubscribe_token(email, category)])
    return f"{settings.KOHORTE_BASE_URL.rstrip('/')}{path}"


def _unsubscribe_headers() -> dict[str, str]:
    # The link is derived (signed) at send time; the stored header holds only a marker.
    return {
        "List-Unsubscribe": f"<{marker('unsubscribe_url')}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def unsubscribe(email: str, category: str) -> None:
    """Honour an opt-out: record it and cancel what is still waiting for this address."""
    with transaction.atomic():
        OptOut.objects.get_or_create(email=email.lower(), category=category)
        move_messages(
            OutboxMessage.objects.filter(recipient_email__iexact=email, category=category),
            State.CANCELLED,
            from_states={State.QUEUED, State.HELD},
            last_error=_("abgemeldet"),
        )
        log_action("comms.unsubscribed", data={"category": category})
