"""Uploads of the application's documents."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from kohorte.admissions.models import (
    Application,
    Document,
)
from kohorte.admissions.services.applications import Status, refresh_flags
from kohorte.admissions.services.transitions import IllegalTransition, replace_open_requests
from kohorte.catalog.models import RequiredDocument
from kohorte.core.audit import log_action
from kohorte.core.uploads import check_pdf, max_pages_for, store_private


def _page_rule(application: Application, kind: str) -> RequiredDocument | None:
    return RequiredDocument.objects.filter(cohort=application.cohort_id, kind=kind).first()


def unrequested_kind_message(kind: str) -> str:
    label = dict(RequiredDocument.Kind.choices).get(kind)
    if label is None:
        return _("Diese Art von Dokument gibt es nicht.")
    return _(
        "Für diese Bewerbung ist kein Dokument der Art „%(kind)s“ vorgesehen. Bitte laden Sie "
        "nur die Unterlagen hoch, die auf dieser Seite genannt sind."
    ) % {"kind": label}


def upload_document(
    application: Application, kind: str, uploaded, *, actor, source=Document.Source.APPLICANT
) -> Document:
    """Check the PDF, store it under a random name and make it the current one of its kind.

    The file is written before the row; if the row cannot be written, the file is removed, so
    no half upload is ever visible. The previous document of the kind stays as history.
    """
    if application.status != Status.DRAFT:
        raise IllegalTransition(application.status)
    rule = _page_rule(application, kind)
    if rule is None:  # only what the cohort asks for, "Sonstiges" included
        raise ValidationError(unrequested_kind_message(kind), code="kind")
    checked = check_pdf(
        uploaded,
        max_bytes=settings.KOHORTE_MAX_UPLOAD_BYTES,
        min_pages=rule.min_pages,
        max_pages=max_pages_for(kind, rule.max_pages),
    )
    name = store_private(checked, f"applications/{application.uuid}")
    try:
        with transaction.atomic():
            Document.objects.filter(application=application, kind=kind, is_current=True).update(
                is_current=False
            )
            document = Document.objects.create(
                application=application,
                kind=kind,
                storage_name=name,
                original_name=checked.filename,
                sha256=checked.sha256,
                size=checked.size,
                pages=checked.pages,
                source=source,
            )
            if kind == RequiredDocument.Kind.RECOMMENDATION and source == Document.Source.APPLICANT:
                # The applicant brings the letter themselves: the referee's link stops working.
                replaced_requests = replace_open_requests(application)
            else:
                replaced_requests = []
            log_action(
                "application.document_uploaded",
                actor=actor,
                target=application,
                data={
                    "kind": kind,
                    "sha256": checked.sha256,
                    **({"replaced_requests": replaced_requests} if replaced_requests else {}),
                },
            )
            refresh_flags(application)
    except BaseException:
        default_storage.delete(name)
        raise
    return document
