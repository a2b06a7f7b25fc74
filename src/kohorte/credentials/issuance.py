"""Issuing certificates: one for a participant with a current completion decision, a re-issue
that supersedes the valid one (the version history stays), and the bulk issue for a cohort by
the background worker (progress, then a ZIP of all PDFs for printing).

The certificate's state moves only through ``services.move_certificate`` (a re-issue
supersedes, staff revoke), a batch's only through ``set_batch_status``.
"""

import hashlib
import io
import secrets
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import F, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.transitions import move
from kohorte.credentials import ob3
from kohorte.credentials.certificate_pdf import signed_certificate_pdf
from kohorte.credentials.models import Certificate, IssuanceBatch
from kohorte.credentials.ob3 import verification_url
from kohorte.credentials.services import move_certificate

Status = Certificate.Status
BatchStatus = IssuanceBatch.Status


def set_batch_status(batch: IssuanceBatch, new, **fields):
    return move(
        batch,
        "status",
        new,
        IssuanceBatch.TRANSITIONS,
        _("Diese Ausstellung kann so nicht weitergehen."),
        **fields,
    )


def certificate_filename(certificate: Certificate) -> str:
    """The file name a holder and the printing ZIP see: ``zertifikat-erika-muster-v1.pdf``."""
    slug = slugify(certificate.holder_name) or "zertifikat"
    return f"zertifikat-{slug}-v{certificate.version}.pdf"


def credential_filename(certificate: Certificate) -> str:
    return certificate_filename(certificate).removesuffix(".pdf") + ".jwt"


def _current_completion(participation):
    from kohorte.assessments.models import Completion

    return Completion.objects.current().filter(participation=participation).first()


def _holder_name(user) -> str:
    """The name printed, signed and shown on the public verification page: never the e-mail
    address in its place (an account without a name is refused)."""
    name = user.get_full_name().strip()
    if not name:
        raise ValidationError(
            _(
                "Das Konto %(email)s hat keinen Namen: ein Zertifikat trägt den Namen der "
                "Inhaberin / des Inhabers. Bitte tragen Sie zuerst den Namen ein."
            )
            % {"email": user.email}
        )
    return name


def _language(user) -> str:
    language = getattr(user, "preferred_language", "") or "de"
    return language if language in {"de", "en"} else "de"


def issue_certificate(
    participation, *, actor, batch=None, reason: str = "", results=None, signer=None
):
    """Issue (or re-issue) the certificate of a participant with a current completion decision:
    render and sign the PDF, store it privately, attach the Open Badges credential, write an
    audit row and queue a mail with both files. A valid certificate is superseded, which needs
    a ``reason`` (e.g. a changed name). Nothing is kept when rendering or signing fails, so a
    failed issue can simply be tried again. ``results``: the participation's entry of
    ``module_results`` when the caller already read it; ``signer``: the issuer's signer when
    the caller signs many (``signing.get_signer()``, read once per batch)."""
    completion = _current_completion(participation)
    if completion is None:
        raise ValidationError(
            _(
                "Für %(name)s liegt keine Abschlussentscheidung vor: ein Zertifikat wird erst "
                "ausgestellt, wenn das Programmteam den Abschluss festgestellt hat."
            )
            % {"name": participation.name}
        )
    previous = participation.certificates.filter(status=Status.VALID).first()
    reason = reason.strip()
    if previous is not None and not reason:
        raise ValidationError(
            _(
                "%(name)s hat schon ein gültiges Zertifikat: für eine Neuausstellung ist ein Grund nötig."
            )
            % {"name": participation.name}
        )
    latest = participation.certificates.aggregate(v=Max("version"))["v"] or 0
    user = participation.user
    certificate = Certificate(
        participation=participation,
        completion=completion,
        batch=batch,
        version=latest + 1,
        supersedes=previous,
        holder_name=_holder_name(user),
        language=_language(user),
        issued_at=timezone.now(),
        issued_by=actor if getattr(actor, "pk", None) else None,
    )
    pdf = signed_certificate_pdf(certificate, results, signer=signer)
    name = default_storage.save(
        f"certificates/{participation.cohort_id}/{secrets.token_urlsafe(24)}.pdf",
        ContentFile(pdf),
    )
    try:
        with transaction.atomic():
            if previous is not None:
                old = move_certificate(previous, Status.SUPERSEDED)
                log_action(
                    "credentials.superseded",
                    actor=actor,
                    target=previous,
                    before={"status": str(old)},
                    after={"status": str(previous.status)},
                )
            certificate.pdf_name = name
            certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
            certificate.save()
            ob3.attach_credential(certificate)
            log_action(
                "credentials.reissued" if previous else "credentials.issued",
                actor=actor,
                target=certificate,
                data={
                    "version": certificate.version,
                    "verification_id": certificate.verification_id,
                    **({"reason": reason} if reason else {}),
                    **({"batch": batch.pk} if batch else {}),
                },
            )
            _queue_certificate_mail(certificate)
    except BaseException:
        default_storage.delete(name)
        raise
    return certificate


def _queue_certificate_mail(certificate: Certificate) -> None:
    participation = certificate.participation
    user = participation.user
    cohort = participation.cohort
    jwt = (
        certificate.credential_jwt
        or (
            Certificate.objects.filter(pk=certificate.pk).values_list("credential_jwt", flat=True)[
                0
            ]
        )
    )
    base = settings.KOHORTE_BASE_URL.rstrip("/")
    queue_mail(
        "credentials.issued",
        to=user.email,
        user=user,
        language=certificate.language,
        concerning=certificate,
        idempotency_key=f"credentials.issued:{certificate.pk}",
        context={
            "program_title": cohort.program.title,
            "cohort_name": cohort.name,
            "verification_url": verification_url(certificate.verification_id),
            "programme_url": base + reverse("teaching:programme"),
        },
        attachments=[(credential_filename(certificate), jwt, "application/jwt")] if jwt else [],
        stored_attachments=[
            (certificate_filename(certificate), certificate.pdf_name, "application/pdf")
        ],
    )


# --- Bulk issue for a cohort ------------------------------------------------------------------


def pending_participations(cohort):
    """Participants with a current completion decision and no valid certificate."""
    from kohorte.assessments.models import Completion
    from kohorte.teaching.models import Participation

    return (
        Participation.objects.filter(
            cohort=cohort,
            pk__in=Completion.objects.current().values("participation_id"),
        )
        .exclude(certificates__status=Status.VALID)
        .select_related("user", "cohort__program")
        .order_by("user__last_name", "user__first_name", "pk")
    )


def running_batch(cohort):
    return (
        IssuanceBatch.objects.filter(
            cohort=cohort, status__in=[BatchStatus.QUEUED, BatchStatus.RUNNING]
        )
        .order_by("-created_at")
        .first()
    )


def start_issuance(cohort, *, actor) -> IssuanceBatch:
    """Queue the bulk issue for everyone completed without a valid certificate (the worker
    runs ``credentials.tasks.issue_batch``). Refused while another batch of the cohort runs
    or when nobody is waiting."""
    with transaction.atomic():
        if running_batch(cohort) is not None:
            raise ValidationError(_("Für diesen Jahrgang läuft schon eine Ausstellung."))
        total = pending_participations(cohort).count()
        if not total:
            raise ValidationError(
                _("Niemand wartet auf ein Zertifikat: alle mit Abschluss haben schon eines.")
            )
        batch = IssuanceBatch.objects.create(cohort=cohort, total=total, started_by=actor)
        log_action("credentials.batch_started", actor=actor, target=batch, data={"total": total})
        from kohorte.credentials.tasks import issue_batch

        transaction.on_commit(lambda: issue_batch.enqueue(batch.pk))
    return batch


def run_batch(batch_id: int) -> IssuanceBatch:
    """The worker's part: issue one by one (``done`` counts up), then write the ZIP and mark
    the batch done; on an error, mark it failed with a message a person can read (start a new
    issue to retry: the certificates already issued are kept and skipped)."""
    from kohorte.assessments.results import module_results
    from kohorte.core.signing import get_signer

    batch = IssuanceBatch.objects.select_related("cohort__program", "started_by").get(pk=batch_id)
    set_batch_status(batch, BatchStatus.RUNNING)
    current = None
    try:
        participations = list(pending_participations(batch.cohort))
        results = module_results([p.pk for p in participations])
        # One signer for the batch: the key, chain and CRL are read (and a stale CRL of the
        # local issuer reissued) once, not per certificate.
        signer = get_signer() if participations else None
        for current in participations:
            issue_certificate(
                current,
                actor=batch.started_by,
                batch=batch,
                results=results.get(current.pk, {}),
                signer=signer,
            )
            IssuanceBatch.objects.filter(pk=batch.pk).update(done=F("done") + 1)
        current = None
        zip_name = write_zip(batch.cohort)
    except Exception as exc:  # every failure is shown to staff
        who = (
            _("beim Zertifikat für %(name)s") % {"name": current.name}
            if current is not None
            else _("beim Zusammenstellen der ZIP-Datei")
        )
        set_batch_status(
            batch,
            BatchStatus.FAILED,
            error=_("Fehler %(where)s: %(error)s") % {"where": who, "error": exc},
            finished_at=timezone.now(),
        )
        log_action("credentials.batch_failed", actor=None, target=batch, data={"error": str(exc)})
        return batch
    set_batch_status(batch, BatchStatus.DONE, zip_name=zip_name, finished_at=timezone.now())
    log_action("credentials.batch_done", actor=None, target=batch)
    batch.refresh_from_db()
    return batch


def write_zip(cohort) -> str:
    """A ZIP of every valid certificate of the cohort, for printing (private storage)."""
    certificates = (
        Certificate.objects.filter(participation__cohort=cohort, status=Status.VALID)
        .select_related("participation__user")
        .order_by("participation__user__last_name", "participation__user__first_name", "pk")
    )
    buffer = io.BytesIO()
    used: set[str] = set()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for certificate in certificates:
            filename = certificate_filename(certificate)
            stem, n = filename.removesuffix(".pdf"), 2
            while filename in used:
                filename, n = f"{stem}-{n}.pdf", n + 1
            used.add(filename)
            with default_storage.open(certificate.pdf_name, "rb") as pdf:
                archive.writestr(filename, pdf.read())
    return default_storage.save(
        f"certificates/{cohort.pk}/zertifikate-{secrets.token_urlsafe(16)}.zip",
        ContentFile(buffer.getvalue()),
    )


def zip_filename(batch: IssuanceBatch) -> str:
    return f"zertifikate-{slugify(batch.cohort.name)}.zip"
