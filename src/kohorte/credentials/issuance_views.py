"""Staff page of certificates for one cohort: who completed, who holds which certificate, the
bulk issue (confirmation, progress, ZIP for printing) and a single re-issue with a reason.
Staff of the cohort's programme only (the same 404 otherwise)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kohorte.assessments.models import Completion
from kohorte.core.access import login_and
from kohorte.core.uploads.storage import private_file_response
from kohorte.credentials import issuance
from kohorte.credentials.models import Certificate, IssuanceBatch
from kohorte.teaching.access import get_cohort_for_staff
from kohorte.teaching.models import Participation
from kohorte.teaching.rules import is_programme_staff

staff_view = login_and(is_programme_staff)


def _rows(cohort):
    """The cohort's participants with their current completion and every certificate (newest
    version first). Three queries, however many participants."""
    return list(
        Participation.objects.filter(cohort=cohort)
        .select_related("user")
        .prefetch_related(
            Prefetch(
                "completions",
                queryset=Completion.objects.current(),
                to_attr="current_completions",
            ),
            Prefetch(
                "certificates",
                queryset=Certificate.objects.order_by("-version"),
                to_attr="all_certificates",
            ),
        )
        .order_by("user__last_name", "user__first_name", "pk")
    )


def _context(cohort, **extra):
    rows = _rows(cohort)
    for row in rows:
        row.completion = row.current_completions[0] if row.current_completions else None
        row.valid = next((c for c in row.all_certificates if c.status == "valid"), None)
    pending = [r for r in rows if r.completion is not None and r.valid is None]
    batch = IssuanceBatch.objects.filter(cohort=cohort).order_by("-created_at").first()
    return {
        "cohort": cohort,
        "rows": rows,
        "pending": len(pending),
        "completed": sum(1 for r in rows if r.completion is not None),
        "batch": batch,
        **extra,
    }


@staff_view
def cohort(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    confirm = False
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "start" and request.POST.get("confirmed") == "1":
                issuance.start_issuance(cohort, actor=request.user)
                messages.success(request, _("Die Ausstellung läuft im Hintergrund."))
                return redirect("credentials_staff:cohort", cohort_id=cohort.pk)
            if action == "start":
                confirm = True
            elif action == "reissue":
                participation = get_object_or_404(
                    Participation.objects.select_related("user", "cohort__program"),
                    cohort=cohort,
                    pk=request.POST.get("participation") or 0,
                )
                certificate = issuance.issue_certificate(
                    participation, actor=request.user, reason=request.POST.get("reason", "")
                )
                messages.success(
                    request,
                    _("Zertifikat für %(name)s ausgestellt (Fassung %(version)s).")
                    % {"name": certificate.holder_name, "version": certificate.version},
                )
                return redirect("credentials_staff:cohort", cohort_id=cohort.pk)
        except ValidationError as error:
            for text in error.messages:
                messages.error(request, text)
            return redirect("credentials_staff:cohort", cohort_id=cohort.pk)
    return render(request, "credentials/staff_cohort.html", _context(cohort, confirm=confirm))


@staff_view
@require_safe
def progress(request, cohort_id):
    """The progress of the newest batch (polled by htmx every 2 s while it runs). When the
    batch has ended, htmx reloads the whole page: the counts and the table of holders change
    with it, not only the progress."""
    cohort = get_cohort_for_staff(request.user, cohort_id)
    batch = IssuanceBatch.objects.filter(cohort=cohort).order_by("-created_at").first()
    response = render(
        request, "credentials/_batch_progress.html", {"cohort": cohort, "batch": batch}
    )
    if request.htmx and batch is not None and batch.status in {"done", "failed"}:
        response["HX-Refresh"] = "true"
    return response


@staff_view
@require_safe
def batch_zip(request, cohort_id, batch_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    batch = get_object_or_404(IssuanceBatch, cohort=cohort, pk=batch_id)
    if not batch.zip_name:
        raise Http404
    response = private_file_response(batch.zip_name, issuance.zip_filename(batch))
    response["Content-Type"] = "application/zip"
    return response
