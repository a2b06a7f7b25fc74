"""The applicant's documents: uploads, the referee request and its reminder, downloads of the
person's own files."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kohorte.admissions import services
from kohorte.admissions.access import (
    find_open_referee_request_for_applicant,
    get_application_for_applicant,
    get_document_for_applicant,
)
from kohorte.admissions.forms import RefereeForm, UploadForm
from kohorte.admissions.models import Application, CohortSettings, RefereeRequest
from kohorte.admissions.views.applicant import _application, _context, _start
from kohorte.catalog.models import RequiredDocument
from kohorte.core.forms import add_errors
from kohorte.core.uploads import private_file_response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def documents(request, program, cohort):
    application = _application(request, program, cohort)
    upload_form = None
    referee_form = RefereeForm()
    upload_errors_for = None
    remind_error = ""
    refused = request.method == "POST" and application.status != Application.Status.DRAFT
    if request.method == "POST" and not refused:
        action = request.POST.get("action")
        if action == "upload":
            kind = request.POST.get("kind")
            if kind not in dict(RequiredDocument.Kind.choices):
                raise Http404
            requested = set(
                RequiredDocument.objects.filter(cohort=application.cohort).values_list(
                    "kind", flat=True
                )
            )
            upload_form = UploadForm(request.POST, request.FILES, prefix=kind, requested=requested)
            if upload_form.is_valid():
                try:
                    application = _start(request, application)
                    services.upload_document(
                        application, kind, upload_form.cleaned_data["file"], actor=request.user
                    )
                    messages.success(request, _("Das Dokument ist hochgeladen."))
                    return redirect(request.path)
                except ValidationError as error:
                    upload_form.add_error("file", error)
            upload_errors_for = kind
        elif action == "referee":
            referee_form = RefereeForm(request.POST)
            if referee_form.is_valid():
                try:
                    application = _start(request, application)
                    services.request_referee(
                        application,
                        actor=request.user,
                        language=request.user.preferred_language,
                        **referee_form.cleaned_data,
                    )
                except ValidationError as error:
                    add_errors(referee_form, error)
                else:
                    messages.success(request, _("Wir haben die Anfrage verschickt."))
                    return redirect(request.path)
        elif action == "remind":
            open_request = find_open_referee_request_for_applicant(request.user, application)
            if open_request is None:
                return redirect(request.path)
            try:
                services.remind_referee(open_request, actor=request.user)
            except services.LimitReached as error:
                remind_error = error.messages[0]
            else:
                messages.success(request, _("Wir haben eine Erinnerung verschickt."))
                return redirect(request.path)
    saved = application.pk is not None  # an unsaved draft has no documents and no referee yet
    current = {d.kind: d for d in application.documents.filter(is_current=True)} if saved else {}
    rules = list(RequiredDocument.objects.filter(cohort=application.cohort))
    rows = [
        {
            "rule": rule,
            "document": current.get(rule.kind),
            "form": upload_form if upload_errors_for == rule.kind else UploadForm(prefix=rule.kind),
        }
        for rule in rules
    ]
    # an upload of a kind the page does not offer (a forged form) has no row to show it in
    stray_upload = upload_form if upload_errors_for not in {r.kind for r in rules} else None
    referee = (
        application.referee_requests.exclude(status=RefereeRequest.Status.REPLACED).first()
        if saved
        else None
    )
    editable = application.status == Application.Status.DRAFT
    status = (
        403 if refused else 400 if upload_errors_for or referee_form.errors or remind_error else 200
    )
    return render(
        request,
        "admissions/documents.html",
        _context(
            application,
            rows=rows,
            stray_upload=stray_upload,
            referee=referee,
            referee_form=referee_form,
            remind_error=remind_error,
            # Shown instead of the button or form while a limit holds.
            reminder_refusal=services.reminder_refusal(referee)
            if editable and referee and referee.is_open
            else "",
            request_refusal=services.request_refusal(application) if editable and saved else "",
            step="documents",
            editable=editable,
            sees_letter=CohortSettings.for_cohort(application.cohort).applicant_sees_letter,
        ),
        status=status,
    )


@never_cache
@login_required
def document_download(request, program, cohort, pk):
    application = get_application_for_applicant(request.user, program, cohort)
    document = get_document_for_applicant(request.user, application, pk)
    return private_file_response(document.storage_name, document.original_name)
