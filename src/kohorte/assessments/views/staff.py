"""Staff pages of assessments (programme staff of the cohort's programme): the cohort's module
runs with their assessments and counts, setting and changing an assessment, a resit, individual
extensions, and the distribution of the published grades per module."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from kohorte.admissions.rules import cohorts_visible_to_staff
from kohorte.assessments import services
from kohorte.assessments.forms import ExtensionForm
from kohorte.assessments.insight import grade_distributions
from kohorte.assessments.models import Assessment, Submission
from kohorte.assessments.services.assessments import EDITABLE
from kohorte.assessments.staff_forms import AssessmentForm, ResitForm
from kohorte.catalog.models import Cohort, ModuleRun
from kohorte.core.access import login_and
from kohorte.teaching.access import get_cohort_for_staff
from kohorte.teaching.models import Participation
from kohorte.teaching.rules import is_programme_staff

staff_view = login_and(is_programme_staff)
MARKED = [
    Submission.Status.MARKED,
    Submission.Status.DISPUTED,
    Submission.Status.FINAL,
    Submission.Status.PUBLISHED,
]


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _counted(assessments):
    """Assessments with how many submitted (an upload, or a recorded result where there is no
    upload), were marked and published."""
    return assessments.annotate(
        submitted=Count(
            "submissions",
            filter=Q(submissions__versions__isnull=False)
            | Q(kind__in=[Assessment.Kind.PRESENTATION, Assessment.Kind.ORAL]),
            distinct=True,
        ),
        marked=Count("submissions", filter=Q(submissions__status__in=MARKED), distinct=True),
        published=Count(
            "submissions",
            filter=Q(submissions__status=Submission.Status.PUBLISHED),
            distinct=True,
        ),
    )


def _assessment(request, cohort_id, pk):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    queryset = _counted(
        Assessment.objects.filter(run__cohort=cohort).select_related("run__module", "resit_of")
    )
    return cohort, get_object_or_404(queryset, pk=pk)


@staff_view
def cohort_list(request):
    cohorts = cohorts_visible_to_staff(
        request.user, Cohort.objects.select_related("program")
    ).annotate(assessments=Count("runs__assessments"))
    return render(request, "assessments/staff_cohorts.html", {"cohorts": cohorts})


@staff_view
def cohort(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    runs = list(ModuleRun.objects.filter(cohort=cohort).select_related("module"))
    by_run: dict[int, list] = {}
    for assessment in _counted(Assessment.objects.filter(run__cohort=cohort)).order_by("attempt"):
        by_run.setdefault(assessment.run_id, []).append(assessment)
    for run in runs:
        run.assessment_list = by_run.get(run.pk, [])
    return render(
        request,
        "assessments/staff_cohort.html",
        {"cohort": cohort, "runs": runs, "distributions": grade_distributions(cohort, runs)},
    )


def _initial(run) -> dict:
    module = run.module
    return {
        "grading": module.grading,
        "ects": module.ects,
        "ects_is_assumption": module.assumption_for("ects") is not None,
        "disagreement_threshold": Assessment._meta.get_field("disagreement_threshold").default,
        "max_attempts": 2,
    }


@staff_view
def create(request, cohort_id, run_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    run = get_object_or_404(ModuleRun.objects.select_related("module"), cohort=cohort, pk=run_id)
    if run.assessments.exists():
        raise Http404
    form = AssessmentForm(request.POST or None, initial=_initial(run))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            assessment = services.create_assessment(
                run,
                actor=request.user,
                kind=data.pop("kind"),
                task=data.pop("task"),
                due_at=data.pop("due_at"),
                **data,
            )
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Die Prüfungsleistung ist angelegt."))
            return redirect("assessments_staff:detail", cohort_id=cohort.pk, pk=assessment.pk)
    return render(
        request,
        "assessments/staff_form.html",
        {"cohort": cohort, "run": run, "form": form, "assessment": None},
        status=400 if form.errors else 200,
    )


def _locked(assessment) -> dict:
    """The fields that no longer change, with the reason shown at the field."""
    submissions = assessment.submissions.all()
    locked = {}
    if submissions.exists():
        locked["kind"] = _(
            "Die Art lässt sich nicht mehr ändern: Es liegen bereits Abgaben oder Bewertungen vor."
        )
    if submissions.exclude(first_grade="").exists():
        locked["grading"] = _(
            "Die Bewertungsart lässt sich nicht mehr ändern: Es liegen bereits Bewertungen vor."
        )
        locked["second_marker_required"] = _(
            "Das Zweitgutachten lässt sich nicht mehr ein- oder ausschalten: Es liegen bereits "
            "Bewertungen vor."
        )
    return locked


@staff_view
def edit(request, cohort_id, pk):
    cohort, assessment = _assessment(request, cohort_id, pk)
    if assessment.status == Assessment.Status.PUBLISHED:
        raise Http404
    initial = {f: getattr(assessment, f) for f in EDITABLE}
    form = AssessmentForm(request.POST or None, initial=initial, locked=_locked(assessment))
    if request.method == "POST" and form.is_valid():
        try:
            services.update_assessment(assessment, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _errors(form, error)
        else:
            messages.success(request, _("Die Prüfungsleistung ist gespeichert."))
            return redirect("assessments_staff:detail", cohort_id=cohort.pk, pk=assessment.pk)
    return render(
        request,
        "assessments/staff_form.html",
        {"cohort": cohort, "run": assessment.run, "form": form, "assessment": assessment},
        status=400 if form.errors else 200,
    )


@staff_view
def detail(request, cohort_id, pk):
    cohort, assessment = _assessment(request, cohort_id, pk)
    people = list(
        services.participants(assessment)
        .select_related("user")
        .order_by("user__last_name", "user__first_name")
    )
    extension_form = ExtensionForm(people=people)
    resit_form = ResitForm()
    resit = assessment.resits.first()
    may_resit = (
        assessment.status == Assessment.Status.PUBLISHED
        and assessment.attempt < assessment.max_attempts
        and resit is None
    )
    if request.method == "POST":
        action = request.POST.get("action")
        form = None
        try:
            if action == "extension":
                form = extension_form = ExtensionForm(request.POST, people=people)
                if form.is_valid():
                    data = form.cleaned_data
                    services.grant_extension(
                        assessment,
                        Participation.objects.get(cohort=cohort, pk=data["participation"]),
                        actor=request.user,
                        due_at=data["due_at"],
                        reason=data["reason"],
                    )
                    messages.success(request, _("Die Frist ist verlängert."))
                    return redirect("assessments_staff:detail", cohort_id=cohort.pk, pk=pk)
            elif action == "resit" and may_resit:
                form = resit_form = ResitForm(request.POST)
                if form.is_valid():
                    resit = services.create_resit(
                        assessment,
                        actor=request.user,
                        due_at=form.cleaned_data["due_at"],
                        task=form.cleaned_data["task"] or None,
                    )
                    messages.success(request, _("Die Wiederholungsprüfung ist angelegt."))
                    return redirect("assessments_staff:detail", cohort_id=cohort.pk, pk=resit.pk)
            else:
                raise Http404
        except ValidationError as error:
            _errors(form, error)
    failed = (
        assessment.submissions.filter(
            status=Submission.Status.PUBLISHED, grade__in=["5.0", "failed"]
        ).count()
        if may_resit
        else 0
    )
    distributions = [
        d
        for d in grade_distributions(cohort, [assessment.run])
        if d.module_id == assessment.run.module_id
    ]
    return render(
        request,
        "assessments/staff_detail.html",
        {
            "cohort": cohort,
            "assessment": assessment,
            "participants": len(people),
            "extensions": assessment.extensions.select_related("participation__user").order_by(
                "participation__user__last_name"
            ),
            "extension_form": extension_form,
            "resit_form": resit_form,
            "may_resit": may_resit,
            "failed": failed,
            "resit": resit,
            "distributions": distributions,
        },
        status=400 if (extension_form.errors or resit_form.errors) else 200,
    )
