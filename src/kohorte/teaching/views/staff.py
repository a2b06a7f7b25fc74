"""Staff pages of teaching: the participants (release state, practical details, electives) and
the elective choice (deadline, capacities, lottery, overrides). Scoped by programme."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.admissions.rules import cohorts_visible_to_staff
from kohorte.catalog.models import Cohort, ModuleRun
from kohorte.core.access import login_and
from kohorte.teaching import queries, services
from kohorte.teaching.access import get_cohort_for_staff, get_participation_for_staff
from kohorte.teaching.allocation import lottery_order
from kohorte.teaching.forms import OverrideForm, RoundForm
from kohorte.teaching.models import ElectiveChoice, ElectivePlace, ElectiveRound, Release
from kohorte.teaching.rules import is_programme_staff

staff_view = login_and(is_programme_staff)


@staff_view
def cohort_list(request):
    cohorts = cohorts_visible_to_staff(
        request.user, Cohort.objects.select_related("program")
    ).annotate(participants=Count("participations"))
    return render(request, "teaching/staff_cohorts.html", {"cohorts": cohorts})


@staff_view
def participants(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    rows = list(queries.staff_participants(cohort))
    show = request.GET.get("freistellung")
    for row in rows:
        row.release = row.current_release()
    if show == "offen":
        rows = [
            r for r in rows if r.release is None or r.release.status != Release.Status.CONFIRMED
        ]
    unconfirmed = sum(
        1
        for r in queries.staff_participants(cohort)
        if (rel := r.current_release()) is None or rel.status != Release.Status.CONFIRMED
    )
    threshold, assumption = services.attendance_threshold(cohort)
    summaries = services.attendance_summaries(cohort, threshold)
    for row in rows:
        summary = summaries.get(row.pk)
        row.attendance = summary.overall if summary else None
    below = sum(1 for s in summaries.values() if s.overall.below)
    return render(
        request,
        "teaching/staff_participants.html",
        {
            "cohort": cohort,
            "rows": rows,
            "unconfirmed": unconfirmed,
            "only_open": show == "offen",
            "threshold": threshold,
            "assumption": assumption,
            "below": below,
            "runs": queries.programme_runs(cohort),
        },
    )


@staff_view
def electives(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    runs = list(services.elective_runs(cohort))
    round_ = ElectiveRound.objects.filter(cohort=cohort).first()
    participations = list(queries.staff_participants(cohort))
    initial = {
        f"capacity_{r.pk}": getattr(getattr(r, "elective_capacity", None), "capacity", None)
        for r in runs
    }
    if round_:
        initial["choices_close_at"] = round_.choices_close_at
    round_form = RoundForm(runs=runs, initial=initial)
    override_form = OverrideForm(participations=participations, runs=runs)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "round":
                round_form = RoundForm(request.POST, runs=runs)
                if round_form.is_valid():
                    services.set_elective_round(
                        cohort,
                        actor=request.user,
                        choices_close_at=round_form.cleaned_data["choices_close_at"],
                        capacities=round_form.capacities(),
                    )
                    messages.success(request, _("Frist und Plätze sind gespeichert."))
                    return redirect("teaching_staff:electives", cohort_id=cohort.pk)
            elif action == "allocate":
                services.allocate_electives(cohort, actor=request.user)
                messages.success(request, _("Die Plätze sind vergeben."))
                return redirect("teaching_staff:electives", cohort_id=cohort.pk)
            elif action == "override":
                override_form = OverrideForm(request.POST, participations=participations, runs=runs)
                if override_form.is_valid():
                    data = override_form.cleaned_data
                    participation = get_participation_for_staff(
                        request.user, cohort, data["participation"]
                    )
                    run = ModuleRun.objects.select_related("module").get(
                        pk=data["run"], cohort=cohort
                    )
                    if data["action"] == "grant":
                        services.grant_place(
                            participation, run, actor=request.user, reason=data["reason"]
                        )
                    else:
                        services.remove_place(
                            participation, run, actor=request.user, reason=data["reason"]
                        )
                    messages.success(request, _("Die Änderung ist gespeichert."))
                    return redirect("teaching_staff:electives", cohort_id=cohort.pk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    first_choices = dict(
        ElectiveChoice.objects.filter(run__cohort=cohort, rank=1)
        .values("run_id")
        .annotate(n=Count("pk"))
        .values_list("run_id", "n")
    )
    all_choices = dict(
        ElectiveChoice.objects.filter(run__cohort=cohort)
        .values("run_id")
        .annotate(n=Count("pk"))
        .values_list("run_id", "n")
    )
    taken = dict(
        ElectivePlace.objects.filter(run__cohort=cohort)
        .values("run_id")
        .annotate(n=Count("pk"))
        .values_list("run_id", "n")
    )
    table = [
        {
            "run": run,
            "capacity": getattr(getattr(run, "elective_capacity", None), "capacity", None),
            "first": first_choices.get(run.pk, 0),
            "wanted": all_choices.get(run.pk, 0),
            "taken": taken.get(run.pk, 0),
        }
        for run in runs
    ]
    by_id = {p.pk: p for p in participations}
    order = []
    if round_ and round_.seed is not None:
        order = [by_id[pk] for pk in lottery_order(list(by_id), round_.seed) if pk in by_id]
    return render(
        request,
        "teaching/staff_electives.html",
        {
            "cohort": cohort,
            "round": round_,
            "table": table,
            "round_form": round_form,
            "override_form": override_form,
            "lottery_order": order,
            "has_runs": bool(runs),
            # the lottery is drawn only after the deadline (the service refuses it before)
            "can_allocate": round_ is not None and timezone.now() >= round_.choices_close_at,
        },
        status=400 if round_form.errors or override_form.errors else 200,
    )


@staff_view
def materials(request, cohort_id, run_id):
    """The materials of one module run: upload, replace, delete (as the run's lecturers can)."""
    from django.shortcuts import get_object_or_404

    from kohorte.teaching.forms import MaterialForm, ReplaceFileForm
    from kohorte.teaching.models import Material
    from kohorte.teaching.views.materials import handle_material_post

    cohort = get_cohort_for_staff(request.user, cohort_id)
    run = get_object_or_404(
        ModuleRun.objects.select_related("module", "cohort__program", "location"),
        cohort=cohort,
        pk=run_id,
    )
    form, status = MaterialForm(), 200
    if request.method == "POST":
        done, form = handle_material_post(request, run)
        if done:
            return redirect("teaching_staff:materials", cohort_id=cohort.pk, run_id=run.pk)
        status = 400
    return render(
        request,
        "teaching/staff_materials.html",
        {
            "cohort": cohort,
            "run": run,
            "materials": Material.objects.filter(run=run).order_by("released_at", "pk"),
            "form": form,
            "replace_form": ReplaceFileForm(),
            "manage_url": request.path,
            "runs": queries.programme_runs(cohort),
        },
        status=status,
    )
