"""The participant's pages: "Mein Programm" (modules, release, practical details) and the
elective choice."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from kohorte.catalog.models import Module, Session
from kohorte.teaching import queries, services
from kohorte.teaching.access import get_participation_for_user
from kohorte.teaching.forms import (
    CheckinCodeForm,
    DetailsForm,
    ElectiveChoiceForm,
    ReleaseForm,
)
from kohorte.teaching.models import ElectiveRound, Material
from kohorte.teaching.services.attendance import Rate


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _completion_rule(cohort):
    return getattr(cohort, "completion_rule", None)


def _runs_with_materials(participation):
    """The cohort's runs; on each, ``shown_materials``: the released materials if the person
    takes part in it (every mandatory module, an elective with a place), else none."""
    places = set(participation.elective_places.values_list("run_id", flat=True))
    runs = list(
        queries.programme_runs(participation.cohort).prefetch_related(
            Prefetch(
                "materials",
                queryset=Material.objects.released().order_by("released_at", "pk"),
                to_attr="released_materials",
            )
        )
    )
    for run in runs:
        takes_part = run.module.kind == Module.Kind.MANDATORY or run.pk in places
        run.shown_materials = run.released_materials if takes_part else []
    return runs


@login_required
def programme(request):
    participation = get_participation_for_user(request.user)
    release = participation.current_release()
    # After a decline the participant may ask the same person again: offer their details.
    release_form = ReleaseForm(
        initial={
            "name": release.supervisor_name,
            "role": release.supervisor_role,
            "email": release.supervisor_email,
        }
        if release is not None and release.status == release.Status.DECLINED
        else None
    )
    details_form = DetailsForm(
        initial={
            "dietary_needs": participation.dietary_needs,
            "accessibility_needs": participation.accessibility_needs,
            "arrives": {True: "yes", False: "no"}.get(participation.arrives_evening_before),
        }
    )
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "release":
            release_form = ReleaseForm(request.POST)
            if release_form.is_valid():
                data = release_form.cleaned_data
                try:
                    services.request_release(
                        participation,
                        name=data["name"],
                        role=data["role"],
                        email=data["email"],
                        actor=request.user,
                        language=(get_language() or "de")[:2],
                    )
                except ValidationError as error:
                    _add_errors(release_form, error)
                else:
                    messages.success(
                        request,
                        _("Wir haben %(name)s um die Bestätigung Ihrer Freistellung gebeten.")
                        % {"name": data["name"]},
                    )
                    return redirect("teaching:programme")
        elif action == "details":
            details_form = DetailsForm(request.POST)
            if details_form.is_valid():
                data = details_form.cleaned_data
                services.save_practical_details(
                    participation,
                    actor=request.user,
                    dietary_needs=data["dietary_needs"],
                    accessibility_needs=data["accessibility_needs"],
                    arrives=data["arrives"],
                )
                messages.success(request, _("Ihre Angaben sind gespeichert."))
                return redirect("teaching:programme")
    cohort = participation.cohort
    errors = release_form.errors or details_form.errors
    threshold, assumption = services.attendance_threshold(cohort)
    summary = services.attendance_summaries(cohort, threshold, participation=participation).get(
        participation.pk
    )
    mine = queries.programme_runs(cohort).filter(
        pk__in=services.personal_runs(participation).values("pk")
    )
    attendance_rows = [
        {"run": run, "rate": (summary and summary.by_run.get(run.pk)) or Rate(threshold=threshold)}
        for run in mine
    ]
    return render(
        request,
        "teaching/programme.html",
        {
            "participation": participation,
            "cohort": cohort,
            "program": cohort.program,
            "runs": _runs_with_materials(participation),
            "release": release,
            "release_form": release_form,
            "details_form": details_form,
            "places": participation.elective_places.select_related("run__module"),
            "checkin_form": CheckinCodeForm(),
            # The code form only on a day she has teaching: otherwise there is nothing to enter.
            "teaching_today": Session.objects.filter(
                run__in=services.personal_runs(participation).values("pk"),
                date=timezone.localdate(),
            ).exists(),
            "threshold": threshold,
            "assumption": assumption,
            "attendance_rows": attendance_rows,
            "overall": summary.overall if summary else Rate(threshold=threshold),
        },
        status=400 if errors else 200,
    )


@login_required
def electives(request):
    participation = get_participation_for_user(request.user)
    cohort = participation.cohort
    runs = list(services.elective_runs(cohort))
    round_ = ElectiveRound.objects.filter(cohort=cohort).first()
    refusal = services.choice_refusal(participation)
    current = {c.run_id: c.rank for c in participation.elective_choices.all()}
    form = ElectiveChoiceForm(
        request.POST if request.method == "POST" else None,
        runs=runs,
        initial={f"run_{pk}": str(rank) for pk, rank in current.items()},
    )
    if request.method == "POST" and not refusal and form.is_valid():
        try:
            services.choose_electives(
                participation, form.cleaned_data["run_ids"], actor=request.user
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("Ihre Wahl ist gespeichert."))
            return redirect("teaching:electives")
    rule = _completion_rule(cohort)
    mandatory = sum(1 for r in queries.programme_runs(cohort) if r.module.kind == "mandatory")
    choices = [
        {"run": run, "rank": current.get(run.pk)}
        for run in sorted(runs, key=lambda r: current.get(r.pk, 99))
        if run.pk in current
    ]
    return render(
        request,
        "teaching/electives.html",
        {
            "participation": participation,
            "cohort": cohort,
            "program": cohort.program,
            "runs": runs,
            "round": round_,
            "refusal": refusal,
            "form": form,
            "rule": rule,
            "mandatory_count": mandatory,
            "choices": choices,
            "places": participation.elective_places.select_related("run__module"),
        },
        status=400 if form.errors or (request.method == "POST" and refusal) else 200,
    )


@login_required
def calendar(request):
    """The private calendar URL: made (and shown once) or revoked by the participant."""
    participation = get_participation_for_user(request.user)
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = services.create_calendar_link(participation, actor=request.user)
            # Shown once, in this answer; only the hash is kept.
            new_url = request.build_absolute_uri(
                reverse("teaching:calendar_feed", kwargs={"token": token})
            )
        elif action == "revoke":
            if services.revoke_calendar_link(participation, actor=request.user):
                messages.success(request, _("Ihr Kalender-Link ist widerrufen."))
            return redirect("teaching:calendar")
    active = participation.calendar_links.filter(revoked_at__isnull=True).first()
    response = render(
        request,
        "teaching/calendar.html",
        {
            "participation": participation,
            "cohort": participation.cohort,
            "program": participation.cohort.program,
            "active": active,
            "new_url": new_url,
            "runs": queries.programme_runs(participation.cohort).filter(
                pk__in=services.personal_runs(participation).values("pk")
            ),
        },
    )
    if new_url:
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
    return response
