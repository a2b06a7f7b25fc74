"""Applicant-facing and referee-facing pages of admissions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kohorte.admissions import outcomes, queries, services
from kohorte.admissions.forms import (
    DemographicsForm,
    EmployerForm,
    PersonForm,
    PositionForm,
    RefereeForm,
    RefereeUploadForm,
    SubmitForm,
    UploadForm,
)
from kohorte.admissions.models import Application, CohortSettings, Document, RefereeRequest
from kohorte.catalog import queries as catalog_queries
from kohorte.catalog.models import RequiredDocument
from kohorte.core.forms import add_errors
from kohorte.core.uploads import private_file_response

STEPS = [
    ("person", gettext_lazy("Person"), PersonForm),
    ("employer", gettext_lazy("Arbeitgeber"), EmployerForm),
    ("position", gettext_lazy("Position"), PositionForm),
    ("documents", gettext_lazy("Unterlagen"), None),
    ("demographics", gettext_lazy("Freiwillige Angaben"), DemographicsForm),
]
STEP_NAMES = [name for name, _label, _form in STEPS]


def _own_application(request, program, cohort) -> Application:
    """The logged-in person's application to this cohort (created as a draft on first visit).
    Another person's application can never be reached: the lookup is by the user."""
    program_obj = catalog_queries.get_program(program)
    cohort_obj = catalog_queries.pick_cohort(
        catalog_queries.published_cohorts(program_obj), cohort, strict=True
    )
    existing = (
        Application.objects.select_related("cohort__program")
        .filter(cohort=cohort_obj, applicant=request.user)
        .first()
    )
    if existing:
        return existing
    if not cohort_obj.applications_are_open():
        raise Http404("applications are not open")
    return services.start_application(cohort_obj, request.user)


def _context(application: Application, **extra) -> dict:
    missing = services.missing_items(application)
    missing_steps = {m.step for m in missing}
    steps = [
        {"name": name, "label": label, "done": name not in missing_steps}
        for name, label, _form in STEPS
    ]
    return {
        "application": application,
        "cohort": application.cohort,
        "program": application.cohort.program,
        "steps": steps,
        "missing": missing,
        "now": timezone.now(),
        **extra,
    }


def step_url(application: Application, step: str) -> str:
    if step == "documents":
        return _url(application, "documents")
    return _url(application, "step", step=step)


def _url(application: Application, name: str, **kwargs) -> str:
    return reverse(
        f"admissions:{name}",
        kwargs={
            "program": application.cohort.program.slug,
            "cohort": application.cohort.slug,
            **kwargs,
        },
    )


@never_cache
@login_required
def mine(request):
    """Where a person lands after log-in: their application, or the public home page."""
    application = queries.own_application(request.user)
    if application is None:
        return redirect("home")
    return redirect(_url(application, "overview"))


@never_cache
@login_required
def overview(request, program, cohort):
    """The portal: the state in words, the next date, the decision once its mail is out."""
    application = _own_application(request, program, cohort)
    decision = outcomes.decision_status(application)
    settings_ = CohortSettings.for_cohort(application.cohort)
    return render(
        request,
        "admissions/overview.html",
        _context(
            application,
            decision=decision,
            show_position=settings_.applicant_sees_waitlist_position,
        ),
    )


@login_required
@require_POST
def answer_offer(request, program, cohort):
    """Accept or decline the offer from the portal: the same service as the mail's links."""
    application = _own_application(request, program, cohort)
    answer = request.POST.get("answer")
    if answer not in {"accept", "decline"}:
        raise Http404
    try:
        outcomes.answer_offer(application, answer == "accept", actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Sie haben den Platz angenommen.")
            if answer == "accept"
            else _("Sie haben den Platz abgelehnt."),
        )
    return redirect(_url(application, "overview"))


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def step(request, program, cohort, step):
    if step not in STEP_NAMES or step == "documents":
        raise Http404
    application = _own_application(request, program, cohort)
    form_class = dict((n, f) for n, _l, f in STEPS)[step]
    editable = application.status == Application.Status.DRAFT
    label = dict((n, lbl) for n, lbl, _f in STEPS)[step]
    if not editable:
        # Submitted or withdrawn: the answers are shown, never a form; a POST changes nothing.
        return render(
            request,
            "admissions/step.html",
            _context(
                application,
                step=step,
                step_label=label,
                editable=False,
                answers=_answers(application, form_class),
            ),
            status=403 if request.method == "POST" else 200,
        )
    form = form_class(request.POST or None, instance=application)
    saved_at = None
    if request.method == "POST" and editable and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form._meta.fields}
        if step == "demographics":
            fields["demographics_consent_at"] = timezone.now() if fields["gender"] else None
        services.save_draft(application, fields, actor=request.user)
        saved_at = timezone.now()
        if not request.htmx:
            messages.success(request, _("Ihre Angaben sind gespeichert."))
            if "next" not in request.POST:
                return redirect(request.path)
            index = STEP_NAMES.index(step)
            if index + 1 < len(STEP_NAMES):
                return redirect(step_url(application, STEP_NAMES[index + 1]))
            return redirect(_url(application, "review"))
    status = 400 if form.errors else 200
    return render(
        request,
        "admissions/step.html",
        _context(
            application,
            form=form,
            step=step,
            step_label=label,
            editable=editable,
            saved_at=saved_at,
        ),
        status=status,
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def documents(request, program, cohort):
    application = _own_application(request, program, cohort)
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
            open_request = application.referee_requests.filter(
                status__in=[RefereeRequest.Status.REQUESTED, RefereeRequest.Status.REMINDED]
            ).first()
            if open_request is None:
                return redirect(request.path)
            try:
                services.remind_referee(open_request, actor=request.user)
            except services.LimitReached as error:
                remind_error = error.messages[0]
            else:
                messages.success(request, _("Wir haben eine Erinnerung verschickt."))
                return redirect(request.path)
    current = {d.kind: d for d in application.documents.filter(is_current=True)}
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
    referee = application.referee_requests.exclude(status=RefereeRequest.Status.REPLACED).first()
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
            request_refusal=services.request_refusal(application) if editable else "",
            step="documents",
            editable=editable,
            sees_letter=CohortSettings.for_cohort(application.cohort).applicant_sees_letter,
        ),
        status=status,
    )


@never_cache
@login_required
def document_download(request, program, cohort, pk):
    application = _own_application(request, program, cohort)
    sources = [Document.Source.APPLICANT]
    if CohortSettings.for_cohort(application.cohort).applicant_sees_letter:
        sources.append(Document.Source.REFEREE)
    document = get_object_or_404(Document, pk=pk, application=application, source__in=sources)
    return private_file_response(document.storage_name, document.original_name)


def _display(application: Application, name: str) -> str:
    value = getattr(application, name)
    if value in ("", None):
        return ""
    display = getattr(application, f"get_{name}_display", None)
    return str(display()) if display else str(value)


def _answers(application: Application, form_class) -> list[dict]:
    """A step's answers as label and text, in the form's order (for the summary and the
    read-only steps): choices in words, an empty answer as empty text."""
    return [
        {
            "label": Application._meta.get_field(name).verbose_name,
            "value": _display(application, name),
        }
        for name in form_class._meta.fields
    ]


def _summary(application: Application) -> list[dict]:
    """Every step with its answers and a link to change it (the documents step separately)."""
    return [
        {
            "name": name,
            "label": label,
            "url": step_url(application, name),
            "answers": _answers(application, form_class),
        }
        for name, label, form_class in STEPS
        if form_class is not None
    ]


def _letter_wait(application: Application) -> dict | None:
    """An open request for the letter: from whom, since when, and whether the cohort lets the
    applicant submit without it."""
    open_request = application.referee_requests.filter(
        status__in=[RefereeRequest.Status.REQUESTED, RefereeRequest.Status.REMINDED]
    ).first()
    if open_request is None:
        return None
    rule = RequiredDocument.objects.filter(
        cohort=application.cohort, kind=RequiredDocument.Kind.RECOMMENDATION
    ).first()
    return {
        "request": open_request,
        "required": bool(rule and rule.required),
        # shown instead of the button while the reminder limit holds
        "refusal": services.reminder_refusal(open_request),
    }


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def review(request, program, cohort):
    """The summary of everything that will be submitted, the declaration, the binding submit."""
    application = _own_application(request, program, cohort)
    error = None
    form = SubmitForm()
    if request.method == "POST" and request.POST.get("action") == "remind":
        wait = _letter_wait(application)
        if wait and application.status == Application.Status.DRAFT:
            try:
                services.remind_referee(wait["request"], actor=request.user)
            except services.LimitReached as refusal:
                messages.error(request, refusal.messages[0])
            else:
                messages.success(request, _("Wir haben eine Erinnerung verschickt."))
        return redirect(request.path)
    if request.method == "POST":
        form = SubmitForm(request.POST)
        if application.status != Application.Status.DRAFT:
            return redirect(_url(application, "overview"))
        if form.is_valid():
            try:
                services.submit_application(application, actor=request.user)
                messages.success(
                    request,
                    _(
                        "Ihre Bewerbung ist eingereicht. Wir haben Ihnen eine Eingangsbestätigung geschickt."
                    ),
                )
                return redirect(_url(application, "overview"))
            except services.Incomplete:
                error = _("Bitte ergänzen Sie zuerst die fehlenden Angaben.")
            except services.ApplicationClosed:
                error = _("Die Bewerbungsfrist ist abgelaufen. Ihr Entwurf bleibt gespeichert.")
            except services.IllegalTransition:
                return redirect(_url(application, "overview"))
    documents = list(application.documents.filter(is_current=True).order_by("kind"))
    rules = list(RequiredDocument.objects.filter(cohort=application.cohort))
    by_kind = {d.kind: d for d in documents}
    return render(
        request,
        "admissions/review.html",
        _context(
            application,
            error=error,
            form=form,
            eligibility=services.eligibility_problems(application),
            summary=_summary(application),
            document_rows=[{"rule": r, "document": by_kind.get(r.kind)} for r in rules],
            letter_wait=_letter_wait(application),
            sees_letter=CohortSettings.for_cohort(application.cohort).applicant_sees_letter,
        ),
        status=400 if error or form.errors else 200,
    )


@never_cache
@login_required
def receipt(request, program, cohort):
    application = _own_application(request, program, cohort)
    if application.status != Application.Status.SUBMITTED:
        raise Http404
    from kohorte.admissions.receipt import receipt_pdf

    response = HttpResponse(receipt_pdf(application), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="eingangsbestaetigung.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def withdraw(request, program, cohort):
    application = _own_application(request, program, cohort)
    try:
        services.withdraw_application(application, actor=request.user)
        messages.success(request, _("Ihre Bewerbung ist zurückgezogen."))
    except services.IllegalTransition:
        pass
    return redirect(_url(application, "overview"))


@never_cache
@require_http_methods(["GET", "POST"])
def referee(request, token):
    """The referee's single-purpose page: no account, one upload, then a kind thank-you."""
    referee_request = services.find_referee_request(token)
    if referee_request is None:
        return _referee_page(request, "admissions/referee_invalid.html", {"reason": "unknown"}, 404)
    context = {
        "req": referee_request,
        "application": referee_request.application,
        # the programme's name and design on the referee's page
        "program": referee_request.application.cohort.program,
    }
    if referee_request.status == RefereeRequest.Status.RECEIVED:
        return _referee_page(request, "admissions/referee_done.html", context)
    if referee_request.status == RefereeRequest.Status.REPLACED:
        return _referee_page(
            request, "admissions/referee_invalid.html", {**context, "reason": "replaced"}, 410
        )
    if referee_request.valid_until <= timezone.now():
        return _referee_page(
            request, "admissions/referee_invalid.html", {**context, "reason": "expired"}, 410
        )
    form = RefereeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referee_upload(referee_request, form.cleaned_data["letter"])
        except ValidationError as error:
            form.add_error("letter", error)
        except services.IllegalTransition:
            return redirect(request.path)
        else:
            return redirect(request.path)
    return _referee_page(
        request, "admissions/referee.html", {**context, "form": form}, 400 if form.errors else 200
    )


def _referee_page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    # The token is in the URL: never send it to another site in a Referer header.
    response["Referrer-Policy"] = "same-origin"
    return response
