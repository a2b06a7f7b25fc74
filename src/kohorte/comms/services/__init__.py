"""Every write of the comms app, a module per sub-capability: ``templates`` (mail texts),
``outbox`` (queue, resend and cancel one mail), ``optouts`` (one-click unsubscribe), ``batches``
(bulk mails and held batches of transactional mails). The state doors are in comms/states.py.

``from kohorte.comms import services; services.queue_mail(...)`` keeps working: the functions
are re-exported here.
"""

from kohorte.comms.services.batches import (
    BULK_PLACEHOLDERS,
    bulk_context,
    cancel_batch,
    close_event_batch,
    create_batch,
    open_event_batch,
    preview_batch,
    release_batch,
    release_due_batch,
    segment_recipients,
)
from kohorte.comms.services.optouts import (
    UNSUBSCRIBE_SALT,
    read_unsubscribe_token,
    unsubscribe,
    unsubscribe_token,
    unsubscribe_url,
)
from kohorte.comms.services.outbox import (
    State,
    cancel_message,
    queue_mail,
    queue_prerendered,
    resend,
)
from kohorte.comms.services.templates import (
    Texts,
    check_texts,
    example_context,
    preview,
    save_template,
    template_texts,
)
from kohorte.comms.states import IllegalTransition

__all__ = [
    "BULK_PLACEHOLDERS",
    "UNSUBSCRIBE_SALT",
    "IllegalTransition",
    "State",
    "Texts",
    "bulk_context",
    "cancel_batch",
    "cancel_message",
    "check_texts",
    "close_event_batch",
    "create_batch",
    "example_context",
    "open_event_batch",
    "preview",
    "preview_batch",
    "queue_mail",
    "queue_prerendered",
    "read_unsubscribe_token",
    "release_batch",
    "release_due_batch",
    "resend",
    "save_template",
    "segment_recipients",
    "template_texts",
    "unsubscribe",
    "unsubscribe_token",
    "unsubscribe_url",
]
