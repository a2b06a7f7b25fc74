"""Materials of a module run: upload, replace, delete (by the programme's staff and the run's
lecturers), each in one transaction with one audit row.

A file is checked like every upload (``check_pdf``: PDF only, by content), written under a random
name in private storage, then the row; if the row cannot be written the file is removed again,
so a refused or failed upload leaves nothing behind. A replaced or deleted file is removed from
storage once the transaction has committed."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.core.audit import log_action
from kohorte.core.uploads import check_pdf, store_private
from kohorte.teaching.models import Material


def _check(uploaded):
    return check_pdf(uploaded, max_bytes=settings.KOHORTE_MAX_UPLOAD_BYTES)


def _folder(run) -> str:
    return f"materials/run-{run.pk}"


def _delete_later(name: str) -> None:
    transaction.on_commit(lambda: default_storage.delete(name))


def add_material(
    run,
    *,
    actor,
    title: str,
    description: str = "",
    uploaded=None,
    url: str = "",
    released_at=None,
) -> Material:
    """A file (a checked PDF) or a link for the run; exactly one of ``uploaded`` and ``url``."""
    if bool(uploaded) == bool(url):
        raise ValidationError(
            _("Bitte laden Sie entweder eine Datei hoch oder geben Sie einen Link an."),
            code="file_or_link",
        )
    released_at = released_at or timezone.now()
    if url:
        with transaction.atomic():
            material = Material.objects.create(
                run=run,
                kind=Material.Kind.LINK,
                title=title,
                description=description,
                url=url,
                released_at=released_at,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            log_action(
                "teaching.material_added",
                actor=actor,
                target=run,
                data={"material": material.pk, "kind": "link"},
            )
        return material
    checked = _check(uploaded)
    name = store_private(checked, _folder(run))
    try:
        with transaction.atomic():
            material = Material.objects.create(
                run=run,
                kind=Material.Kind.FILE,
                title=title,
                description=description,
                storage_name=name,
                original_name=checked.filename,
                sha256=checked.sha256,
                size=checked.size,
                pages=checked.pages,
                released_at=released_at,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            log_action(
                "teaching.material_added",
                actor=actor,
                target=run,
                data={"material": material.pk, "kind": "file", "sha256": checked.sha256},
            )
    except BaseException:
        default_storage.delete(name)
        raise
    return material


def replace_material_file(material: Material, uploaded, *, actor) -> Material:
    """A new file for a file material (title and release date stay); the old file is removed."""
    if not material.is_file:
        raise ValidationError(_("Dieses Material ist ein Link, keine Datei."), code="not_file")
    checked = _check(uploaded)
    name = store_private(checked, _folder(material.run))
    old = material.storage_name
    try:
        with transaction.atomic():
            Material.objects.filter(pk=material.pk).update(
                storage_name=name,
                original_name=checked.filename,
                sha256=checked.sha256,
                size=checked.size,
                pages=checked.pages,
                updated_at=timezone.now(),
            )
            log_action(
                "teaching.material_replaced",
                actor=actor,
                target=material.run,
                data={"material": material.pk, "sha256": checked.sha256},
            )
            _delete_later(old)
    except BaseException:
        default_storage.delete(name)
        raise
    material.refresh_from_db()
    return material


def delete_material(material: Material, *, actor) -> None:
    with transaction.atomic():
        log_action(
            "teaching.material_deleted",
            actor=actor,
            target=material.run,
            data={"material": material.pk, "kind": material.kind, "title": material.title},
        )
        if material.storage_name:
            _delete_later(material.storage_name)
        material.delete()
