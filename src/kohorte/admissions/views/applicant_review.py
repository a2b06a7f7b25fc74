"""The applicant's summary of everything that will be submitted, the declaration and the
binding submit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kohorte.admissions import services
from kohorte.admissions.access import find_open_referee_request_for_applicant
from kohorte.admissions.forms import SubmitForm
from kohorte.admissions.models import Application, CohortSettings
from kohorte.admissions.views.applicant import (
    STEPS,
    _answers,
    _application,
    _context,
    _url,
    step_url,
)
from kohorte.catalog.models import RequiredDocument


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


def _letter_wait(user, application: Application) -> dict | None:
    """An open request for the letter: from whom, since when, and whether the cohort lets the
    applicant submit without it."""
    open_request = find_open_referee_request_for_applicant(user, application)
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
    application = _application(request, program, cohort)
    error = None
    form = SubmitForm()
    if request.method == "POST" and request.POST.get("action") == "remind":
        wait = _letter_wait(request.user, application)
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
        if form.is_valid() and application.pk is None:
            # nothing saved yet: nothing to submit
            error = _("Bitte ergänzen Sie zuerst die fehlenden Angaben.")
        elif form.is_valid():
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
    documents = (
        list(application.documents.filter(is_current=True).order_by("kind"))
        if application.pk is not None
        else []
    )
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
            letter_wait=_letter_wait(request.user, application),
            sees_letter=CohortSettings.for_cohort(application.cohort).applicant_sees_letter,
        ),
        status=400 if error or form.errors else 200,
    )
