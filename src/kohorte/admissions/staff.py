"""Staff pages for applications: list with filters, detail with documents, history, notes,
extensions; exports. Staff see only the programs they belong to."""

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kohorte.admissions import exports, services
from kohorte.admissions.models import (
    Application,
    AuthorityKind,
    Document,
    FederalLevel,
    LeadershipLevel,
    RefereeRequest,
)
from kohorte.admissions.queries import staff_applications
from kohorte.admissions.rules import cohorts_visible_to_staff, staff_program_ids
from kohorte.catalog.models import Cohort
from kohorte.core import tables
from kohorte.core.access import login_and
from kohorte.core.models import AuditLog
from kohorte.core.uploads import private_file_response

YES_NO = [("", gettext_lazy("alle")), ("yes", gettext_lazy("ja")), ("no", gettext_lazy("nein"))]


class FilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Suche"), required=False, max_length=200)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("alle")), *Application.Status.choices],
    )
    is_complete = forms.ChoiceField(
        label=gettext_lazy("vollständig"), required=False, choices=YES_NO
    )
    is_eligible = forms.ChoiceField(
        label=gettext_lazy("Voraussetzungen erfüllt"), required=False, choices=YES_NO
    )
    federal_level = forms.ChoiceField(
        label=gettext_lazy("Ebene"),
        required=False,
        choices=[("", gettext_lazy("alle")), *FederalLevel.choices],
    )
    authority_kind = forms.ChoiceField(
        label=gettext_lazy("Art der Behörde"),
        required=False,
        choices=[("", gettext_lazy("alle")), *AuthorityKind.choices],
    )
    leadership_level = forms.TypedChoiceField(
        label=gettext_lazy("Führungsebene"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", gettext_lazy("alle")), *LeadershipLevel.choices],
    )
    referee = forms.ChoiceField(
        label=gettext_lazy("Empfehlung"),
        required=False,
        choices=[
            ("", gettext_lazy("alle")),
            ("none", gettext_lazy("nicht angefragt")),
            *[(s, label) for s, label in RefereeRequest.Status.choices if s != "replaced"],
        ],
    )
    sort = forms.ChoiceField(
        label=gettext_lazy("Sortierung"),
        required=False,
        choices=[
            ("-updated", gettext_lazy("zuletzt geändert")),
            ("name", gettext_lazy("Name")),
            ("-submitted", gettext_lazy("zuletzt eingereicht")),
            ("submitted", gettext_lazy("zuerst eingereicht")),
            ("-leadership", gettext_lazy("Führungsebene")),
        ],
    )


class ExtensionForm(forms.Form):
    until = forms.DateTimeField(
        label=gettext_lazy("Frist verlängern bis (Berliner Zeit)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M"],
    )


class NoteForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Interne Notiz"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


def _staff_cohort(request, cohort_id) -> Cohort:
    cohorts = cohorts_visible_to_staff(request.user, Cohort.objects.select_related("program"))
    return get_object_or_404(cohorts, pk=cohort_id)


# Staff of at least one program (or a superuser); each view then scopes by program.
staff_view = login_and(lambda user: staff_program_ids(user) != set())


@staff_view
def cohort_list(request):
    cohorts = cohorts_visible_to_staff(request.user, Cohort.objects.select_related("program"))
    return render(request, "admissions/staff_cohorts.html", {"cohorts": cohorts})


@staff_view
def application_list(request, cohort_id):
    cohort = _staff_cohort(request, cohort_id)
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
    cohort = _staff_cohort(request, cohort_id)
    form = FilterForm(request.GET or None)
    data = exports.rows(cohort, form.cleaned_data if form.is_valid() else {})
    return tables.response(data, exports.COLUMNS, fmt, f"bewerbungen-{cohort.slug}", "Bewerbungen")


def _staff_application(request, cohort_id, uuid) -> Application:
    cohort = _staff_cohort(request, cohort_id)
    return get_object_or_404(
        Application.objects.select_related("applicant", "cohort__program"), cohort=cohort, uuid=uuid
    )


@staff_view
def application_detail(request, cohort_id, uuid):
    application = _staff_application(request, cohort_id, uuid)
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
    application = _staff_application(request, cohort_id, uuid)
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
    application = _staff_application(request, cohort_id, uuid)
    document = get_object_or_404(Document, pk=pk, application=application)
    return private_file_response(document.storage_name, document.original_name, inline=True)
