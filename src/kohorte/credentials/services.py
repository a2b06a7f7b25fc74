"""Writes on certificates that are not issuance (``issuance.py``): revocation.

``move_certificate`` is the one door of the certificate's state machine (valid → superseded →
revoked; valid → revoked); ``revoke_certificate`` is the staff action.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.transitions import move
from kohorte.credentials import status
from kohorte.credentials.models import Certificate


def move_certificate(certificate: Certificate, new: str, **fields) -> str:
    """Move the certificate to ``new`` if its table allows it (also under concurrency);
    returns the old state."""
    old = move(
        certificate,
        "status",
        new,
        Certificate.TRANSITIONS,
        _("Dieses Zertifikat kann nicht mehr geändert werden."),
        **fields,
    )
    if new == Certificate.Status.REVOKED:
        transaction.on_commit(status.invalidate)
        status.invalidate()
    return old


def revoke_certificate(certificate: Certificate, *, actor, reason: str, now=None) -> Certificate:
    """Revoke with a reason (required): the record stays, the status list and the verification
    page say "revoked" from now on, the holder gets a mail, and the audit log names who and why."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund für den Widerruf an.")})
    now = now or timezone.now()
    with transaction.atomic():
        old = move_certificate(
            certificate,
            Certificate.Status.REVOKED,
            revoked_at=now,
            revoked_reason=reason,
            revoked_by=actor,
        )
        log_action(
            "credentials.certificate_revoked",
            actor=actor,
            target=certificate,
            data={"reason": reason, "version": certificate.version},
            before={"status": str(old)},
            after={"status": str(certificate.status)},
        )
        participation = certificate.participation
        cohort = participation.cohort
        from kohorte.credentials.ob3 import verification_url

        queue_mail(
            "credentials.certificate_revoked",
            to=participation.user.email,
            user=participation.user,
            name=certificate.holder_name,
            language=certificate.language,
            concerning=certificate,
            idempotency_key=f"credentials.certificate_revoked:{certificate.pk}",
            context={
                "recipient_name": certificate.holder_name,
                "program_title": cohort.program.title,
                "cohort_name": cohort.name,
                "reason": reason,
                "verification_url": verification_url(certificate.verification_id),
            },
        )
    return certificate
