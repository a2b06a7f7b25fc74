"""Attendance: the check-in list of a teaching day and its room code (staff of the programme or
a lecturer of the run), and the participant's self check-in with the day's code."""

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kohorte.catalog.models import Session
from kohorte.teaching import services
from kohorte.teaching.access import (
    checkin_runs,
    get_participation_for_user,
    get_session_for_checkin,
    is_staff_of_run,
)
from kohorte.teaching.forms import CheckinCodeForm
from kohorte.teaching.models import Attendance

BUTTONS = [
    Attendance.Status.PRESENT,
    Attendance.Status.LATE,
    Attendance.Status.LEFT_EARLY,
    Attendance.Status.ABSENT,
]


@login_required
def checkin_index(request):
    """The teaching days of the runs this person keeps the lists of, newest run first."""
    runs = list(
        checkin_runs(request.user)
        .select_related("module", "cohort", "location")
        .order_by("-starts_on", "pk")
    )
    if not runs:
        raise Http404
    sessions = Session.objects.filter(run__in=runs).order_by("date", "starts_at")
    by_run: dict[int, list] = {}
    for session in sessions:
        by_run.setdefault(session.run_id, []).append(session)
    for run in runs:
        run.days = by_run.get(run.pk, [])
    return render(
        request,
        "teaching/checkin_index.html",
        {"runs": runs, "today": timezone.localdate()},
    )


def _rows(session):
    participations = (
        services.run_participations(session.run)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    attendance = {a.participation_id: a for a in Attendance.objects.filter(session=session)}
    return [{"p": p, "attendance": attendance.get(p.pk)} for p in participations]


@login_required
@require_http_methods(["GET", "POST"])
def checkin_list(request, run_id, session_id):
    session = get_session_for_checkin(request.user, run_id, session_id)
    run = session.run
    error_for, errors = None, {}
    if request.method == "POST":
        participation = get_object_or_404(
            services.run_participations(run).select_related("user"),
            pk=request.POST.get("participation") or 0,
        )
        source = (
            Attendance.Source.STAFF
            if is_staff_of_run(request.user, run)
            else (Attendance.Source.LECTURER)
        )
        try:
            attendance = services.record_attendance(
                session,
                participation,
                status=request.POST.get("status", ""),
                reason=request.POST.get("reason", ""),
                actor=request.user,
                source=source,
            )
        except ValidationError as error:
            error_for = participation.pk
            errors = (
                {k: " ".join(v) for k, v in error.message_dict.items()}
                if hasattr(error, "error_dict")
                else {"status": " ".join(error.messages)}
            )
            attendance = Attendance.objects.filter(
                session=session, participation=participation
            ).first()
        if request.htmx:
            row = {"p": participation, "attendance": attendance}
            context = {
                "row": row,
                "session": session,
                "run": run,
                "buttons": BUTTONS,
                "error_for": error_for,
                "errors": errors,
                "reason": request.POST.get("reason", ""),
            }
            return render(request, "teaching/checkin_list.html#row", context)
        if not errors:
            messages.success(
                request,
                _("%(name)s: %(status)s gespeichert.")
                % {"name": participation.name, "status": attendance.get_status_display()},
            )
            url = reverse(
                "teaching:checkin_list", kwargs={"run_id": run.pk, "session_id": session.pk}
            )
            return redirect(f"{url}#p{participation.pk}")
    rows = _rows(session)
    recorded = sum(1 for r in rows if r["attendance"])
    return render(
        request,
        "teaching/checkin_list.html",
        {
            "session": session,
            "run": run,
            "rows": rows,
            "recorded": recorded,
            "buttons": BUTTONS,
            "error_for": error_for,
            "errors": errors,
            "reason": request.POST.get("reason", ""),
            "is_today": session.date == timezone.localdate(),
            "future": session.date > timezone.localdate(),
        },
        status=400 if errors else 200,
    )


@login_required
def checkin_code(request, run_id, session_id):
    """The day's code for the room: big, as a QR code (a link to the self check-in with the
    code) and as text to type."""
    session = get_session_for_checkin(request.user, run_id, session_id)
    code = services.checkin_code(session)
    url = request.build_absolute_uri(reverse("teaching:self_checkin")) + f"?code={code}"
    qr = segno.make(url, error="m").svg_inline(
        border=2, dark="#000", light="#fff", omitsize=True, title=_("QR-Code zum Eintragen")
    )
    response = render(
        request,
        "teaching/checkin_code.html",
        {"session": session, "run": session.run, "code": code, "qr": qr, "url": url},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def self_checkin(request):
    """The participant enters (or scans) the day's code; marked present once."""
    participation = get_participation_for_user(request.user)
    form = CheckinCodeForm(
        request.POST if request.method == "POST" else None,
        initial={"code": request.GET.get("code", "")[:20]},
    )
    if request.method == "POST" and form.is_valid():
        try:
            attendance, marked = services.self_check_in(
                participation, form.cleaned_data["code"], actor=request.user
            )
        except ValidationError as error:
            for message in error.message_dict.get("code", error.messages):
                form.add_error("code", message)
        else:
            session = attendance.session
            if marked:
                messages.success(
                    request,
                    _("Danke! Sie sind für %(module)s am %(date)s als anwesend eingetragen.")
                    % {
                        "module": session.run.module,
                        "date": _date(session.date),
                    },
                )
            else:
                messages.info(
                    request,
                    _("Sie sind bereits eingetragen (%(status)s).")
                    % {"status": attendance.get_status_display()},
                )
            return redirect(reverse("teaching:programme") + "#attendance")
    return render(
        request,
        "teaching/self_checkin.html",
        {"form": form, "participation": participation, "program": participation.cohort.program},
        status=400 if form.errors else 200,
    )


def _date(day):
    from django.utils import formats

    return formats.date_format(day, "DATE_FORMAT")
