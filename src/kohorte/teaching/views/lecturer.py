"""The lecturer's pages: the runs they teach, a page per run (sessions, place, participants,
materials, logistics) and their private calendar feed."""

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.catalog.models import Session
from kohorte.core.access import login_and
from kohorte.teaching import queries, services
from kohorte.teaching.access import get_run_for_lecturer
from kohorte.teaching.forms import MaterialForm, ReplaceFileForm
from kohorte.teaching.models import CalendarLink, Material
from kohorte.teaching.views.materials import handle_material_post


def is_lecturer(user) -> bool:
    """Someone with a lecturer profile (catalog.Person linked to the account)."""
    from kohorte.catalog.models import Person

    return Person.objects.filter(user=user).exists()


lecturer_view = login_and(is_lecturer)


@lecturer_view
def runs(request):
    return render(
        request,
        "teaching/lecturer_runs.html",
        {"runs": queries.lecturer_run_list(request.user)},
    )


@lecturer_view
def run(request, run_id):
    module_run = get_run_for_lecturer(request.user, run_id)
    form = MaterialForm()
    status = 200
    if request.method == "POST":
        done, form = handle_material_post(request, module_run)
        if done:
            return redirect("teaching:lecturer_run", run_id=module_run.pk)
        status = 400
    participants = list(queries.run_participants(module_run))
    threshold, assumption = services.attendance_threshold(module_run.cohort)
    summaries = services.attendance_summaries(module_run.cohort, threshold, run=module_run)
    for participant in participants:
        summary = summaries.get(participant.pk)
        participant.attendance = summary.by_run.get(module_run.pk) if summary else None
    logistics = queries.run_participants(module_run).aggregate(
        evening=Count("pk", filter=Q(arrives_evening_before=True)),
        needs=Count("pk", filter=~Q(dietary_needs="") | ~Q(accessibility_needs="")),
    )
    return render(
        request,
        "teaching/lecturer_run.html",
        {
            "run": module_run,
            "cohort": module_run.cohort,
            "program": module_run.cohort.program,
            "sessions": Session.objects.filter(run=module_run).order_by("date", "starts_at"),
            "today": timezone.localdate(),
            "threshold": threshold,
            "assumption": assumption,
            "lecturers": module_run.lecturers.all(),
            "participants": participants,
            "headcount": len(participants),
            "evening": logistics["evening"],
            "needs": logistics["needs"],
            "materials": Material.objects.filter(run=module_run).order_by("released_at", "pk"),
            "form": form,
            "replace_form": ReplaceFileForm(),
            "manage_url": reverse("teaching:lecturer_run", kwargs={"run_id": module_run.pk}),
        },
        status=status,
    )


@lecturer_view
def calendar(request):
    """The lecturer's private calendar URL: made (and shown once) or revoked."""
    new_url = ""
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "create":
            token = services.create_lecturer_calendar_link(request.user, actor=request.user)
            new_url = request.build_absolute_uri(
                reverse("teaching:calendar_feed", kwargs={"token": token})
            )
        elif action == "revoke":
            if services.revoke_lecturer_calendar_link(request.user, actor=request.user):
                messages.success(request, _("Ihr Kalender-Link ist widerrufen."))
            return redirect("teaching:lecturer_calendar")
    active = CalendarLink.objects.filter(user=request.user, revoked_at__isnull=True).first()
    response = render(
        request,
        "teaching/lecturer_calendar.html",
        {
            "active": active,
            "new_url": new_url,
            "runs": queries.lecturer_run_list(request.user),
        },
    )
    if new_url:
        response["Cache-Control"] = "no-store"
        response["Referrer-Policy"] = "same-origin"
    return response
