"""Staff pages for applications: list with filters, detail with documents, history, notes,
extensions; exports. Staff see only the programs they belong to."""

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohorte.admissions import exports, services
from kohorte.admissions.access import (
    cohorts_for_staff,
    get_application_for_staff,
    get_cohort_for_staff,
    get_document_for_staff,
    staff_view,
)
from kohorte.admissions.forms import ExtensionForm, FilterForm, NoteForm
from kohorte.admissions.models import Application
from kohorte.admissions.queries import staff_applications
from kohorte.core import tables
from kohorte.core.models import AuditLog
from kohorte.core.uploads import private_file_response


@staff_view
def cohort_list(request):
    cohorts = cohorts_for_staff(request.user)
    return render(request, "admissions/staff_cohorts.html", {"cohorts": cohorts})


@staff_view
def application_list(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    form = FilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(staff_applications(cohort, filters), 50).get_page(request.GET.get("seite"))
    query = request.GET.copy()
    query.pop("seite", None)
    return render(
        request,
        "admissions/staff_list.html",
        {
            "cohort": cohort,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "export_query": query.urlencode(),
        },
    )


@staff_view
def application_export(request, cohort_id, fmt):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    form = FilterForm(request.GET or None)
    data = exports.rows(cohort, form.cleaned_data if form.is_valid() else {})
    return tables.response(data, exports.COLUMNS, fmt, f"bewerbungen-{cohort.slug}", "Bewerbungen")


@staff_view
def application_detail(request, cohort_id, uuid):
    application = get_application_for_staff(request.user, cohort_id, uuid)
    history = AuditLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Application), object_id=str(application.pk)
    ).select_related("actor")
    return render(
        request,
        "admissions/staff_detail.html",
        {
            "cohort": application.cohort,
            "application": application,
            "documents": application.documents.order_by("kind", "-uploaded_at"),
            "referees": application.referee_requests.all(),
            "history": history,
            "notes": application.notes.select_related("author"),
            "note_form": NoteForm(),
            "extension_form": ExtensionForm(),
            "missing": services.missing_items(application),
        },
    )


@staff_view
@require_POST
def application_action(request, cohort_id, uuid, action):
    application = get_application_for_staff(request.user, cohort_id, uuid)
    if action == "note":
        form = NoteForm(request.POST)
        if form.is_valid():
            services.add_note(application, form.cleaned_data["text"], actor=request.user)
            messages.success(request, _("Die Notiz ist gespeichert."))
    elif action == "extension":
        form = ExtensionForm(request.POST)
        if form.is_valid():
            try:
                services.grant_extension(
                    application, form.cleaned_data["until"], actor=request.user
                )
                messages.success(request, _("Die Frist ist verlängert."))
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
        else:
            messages.error(request, _("Bitte einen gültigen Zeitpunkt angeben."))
    return redirect(
        "admissions_staff:detail", cohort_id=application.cohort_id, uuid=application.uuid
    )


@staff_view
def document_view(request, cohort_id, uuid, pk):
    application = get_application_for_staff(request.user, cohort_id, uuid)
    document = get_document_for_staff(request.user, application, pk)
    return private_file_response(document.storage_name, document.original_name, inline=True)
