"""The applicant's portal: the overview, the steps of the form, the offer's answer, the receipt
and withdrawal. The documents page is in applicant_documents.py, the summary and the binding
submit in applicant_review.py.

GET never writes: until the first save, the pages show an unsaved draft (``_application``), and
the first valid save creates it through ``services.start_application`` (``_start``)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from kohorte.admissions import outcomes, queries, services
from kohorte.admissions.access import (
    find_application_for_applicant,
    get_application_for_applicant,
    get_cohort_for_applicant,
)
from kohorte.admissions.forms import DemographicsForm, EmployerForm, PersonForm, PositionForm
from kohorte.admissions.models import Application, CohortSettings

STEPS = [
    ("person", gettext_lazy("Person"), PersonForm),
    ("employer", gettext_lazy("Arbeitgeber"), EmployerForm),
    ("position", gettext_lazy("Position"), PositionForm),
    ("documents", gettext_lazy("Unterlagen"), None),
    ("demographics", gettext_lazy("Freiwillige Angaben"), DemographicsForm),
]
STEP_NAMES = [name for name, _label, _form in STEPS]


def _application(request, program, cohort) -> Application:
    """The person's own application to this cohort, or an unsaved draft to show until the first
    save creates it (GET never writes). A cohort not open for applications shows no new draft."""
    cohort_obj = get_cohort_for_applicant(program, cohort)
    existing = find_application_for_applicant(request.user, cohort_obj)
    if existing:
        return existing
    if not cohort_obj.applications_are_open():
        raise Http404("applications are not open")
    user = request.user
    return Application(
        cohort=cohort_obj, applicant=user, first_name=user.first_name, last_name=user.last_name
    )


def _start(request, application: Application) -> Application:
    """The stored application: an unsaved draft is created now, on its first save (audited)."""
    if application.pk is not None:
        return application
    return services.start_application(application.cohort, request.user)


def _context(application: Application, **extra) -> dict:
    missing = services.missing_items(application)
    missing_steps = {m.step for m in missing}
    steps = [
        {"name": name, "label": label, "done": name not in missing_steps}
        for name, label, _form in STEPS
    ]
    return {
        "application": application,
        # the header's "Meine Bewerbung" also on the pages of a draft not saved yet
        **({"my_application": application} if application.pk is None else {}),
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
    if getattr(application, "participation", None) is not None:
        # a participant's portal is the programme (teaching registers the URL name)
        return redirect("teaching:programme")
    return redirect(_url(application, "overview"))


@never_cache
@login_required
def overview(request, program, cohort):
    """The portal: the state in words, the next date, the decision once its mail is out."""
    application = _application(request, program, cohort)
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
    application = get_application_for_applicant(request.user, program, cohort)
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
    application = _application(request, program, cohort)
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
        application = _start(request, application)
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


@never_cache
@login_required
def receipt(request, program, cohort):
    application = get_application_for_applicant(request.user, program, cohort)
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
    application = get_application_for_applicant(request.user, program, cohort)
    try:
        services.withdraw_application(application, actor=request.user)
        messages.success(request, _("Ihre Bewerbung ist zurückgezogen."))
    except services.IllegalTransition:
        pass
    return redirect(_url(application, "overview"))
