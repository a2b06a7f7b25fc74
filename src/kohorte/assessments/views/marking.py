"""Marking pages for lecturers (their runs) and programme staff (their programme): the
submissions (candidate numbers instead of names when marking is anonymous), download, marks,
agreement; for staff also extensions, publication and a change after publication."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from kohorte.assessments import grading, services
from kohorte.assessments.access import (
    get_assessment_for_marker,
    get_submission,
    is_staff_for,
    marker_assessments,
    staff_cohort_ids,
)
from kohorte.assessments.forms import AgreeForm, ChangeForm, ExtensionForm, MarkForm
from kohorte.assessments.models import Submission
from kohorte.assessments.staff_forms import RecordForm
from kohorte.core.uploads import private_file_response
from kohorte.teaching.models import Participation


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def marking_list(request):
    assessments = list(marker_assessments(request.user))
    if (
        not assessments
        and not request.user.memberships.filter(role__in=["lecturer", "staff"]).exists()
    ):
        raise Http404
    is_staff = staff_cohort_ids(request.user).exists()
    return render(
        request, "assessments/marking_list.html", {"assessments": assessments, "is_staff": is_staff}
    )


@login_required
def assessment_marking(request, pk):
    assessment = get_assessment_for_marker(request.user, pk)
    staff = is_staff_for(request.user, assessment)
    people = list(services.participants(assessment).select_related("user"))
    extension_form = ExtensionForm(people=people)
    # a presentation or an oral has no upload: the marker records the result per participant
    recorded = set(assessment.submissions.values_list("participation_id", flat=True))
    unrecorded = [p for p in people if p.pk not in recorded]
    record_form = None
    if not assessment.has_upload and assessment.status == assessment.Status.OPEN:
        record_form = RecordForm(people=unrecorded, scheme=assessment.grading)
    if request.method == "POST" and request.POST.get("action") == "record" and record_form:
        record_form = RecordForm(request.POST, people=unrecorded, scheme=assessment.grading)
        if record_form.is_valid():
            try:
                submission = services.record_mark(
                    assessment,
                    next(
                        p for p in unrecorded if p.pk == record_form.cleaned_data["participation"]
                    ),
                    actor=request.user,
                    grade=record_form.cleaned_data["grade"],
                    feedback=record_form.cleaned_data["feedback"],
                )
            except ValidationError as error:
                _errors(record_form, error)
            else:
                messages.success(
                    request,
                    _("Das Ergebnis von %(name)s ist festgehalten.")
                    % {"name": submission.participation.name},
                )
                return redirect("assessments:marking", pk=assessment.pk)
    elif request.method == "POST" and staff:
        action = request.POST.get("action")
        try:
            if action == "extension":
                extension_form = ExtensionForm(request.POST, people=people)
                if extension_form.is_valid():
                    data = extension_form.cleaned_data
                    services.grant_extension(
                        assessment,
                        Participation.objects.get(pk=data["participation"]),
                        actor=request.user,
                        due_at=data["due_at"],
                        reason=data["reason"],
                    )
                    messages.success(request, _("Die Frist ist verlängert."))
                    return redirect("assessments:marking", pk=assessment.pk)
            elif action == "publish":
                count = services.publish_grades(assessment, actor=request.user)
                messages.success(
                    request,
                    ngettext(
                        "%(n)d Note ist veröffentlicht.", "%(n)d Noten sind veröffentlicht.", count
                    )
                    % {"n": count},
                )
                return redirect("assessments:marking", pk=assessment.pk)
        except ValidationError as error:
            if action == "extension":
                _errors(extension_form, error)
            else:
                messages.error(request, " ".join(error.messages))
    elif request.method == "POST":
        raise Http404
    submissions = list(
        assessment.submissions.select_related("participation__user").prefetch_related("versions")
    )
    return render(
        request,
        "assessments/marking_detail.html",
        {
            "assessment": assessment,
            "staff": staff,
            "show_names": staff or not assessment.anonymous,
            "submissions": submissions,
            "missing": len(people) - len(submissions),
            "extension_form": extension_form,
            "extensions": assessment.extensions.select_related("participation__user"),
            "record_form": record_form,
        },
        status=400 if (extension_form.errors or (record_form and record_form.errors)) else 200,
    )


@login_required
def submission_marking(request, pk, candidate):
    assessment = get_assessment_for_marker(request.user, pk)
    submission = get_submission(assessment, candidate)
    staff = is_staff_for(request.user, assessment)
    scheme = assessment.grading
    second = submission.status == Submission.Status.MARKED
    # a disputed grade is settled by its two markers (or the programme's staff), no one else
    may_agree = submission.status == Submission.Status.DISPUTED and (
        staff or request.user.pk in {submission.first_marker_id, submission.second_marker_id}
    )
    mark_form = MarkForm(scheme=scheme, second=second)
    agree_form = AgreeForm(scheme=scheme)
    change_form = ChangeForm(scheme=scheme)
    if request.method == "POST":
        action = request.POST.get("action")
        form = None
        try:
            if action == "mark":
                form = mark_form = MarkForm(
                    request.POST, request.FILES, scheme=scheme, second=second
                )
                if form.is_valid():
                    services.record_mark(
                        assessment,
                        submission.participation,
                        actor=request.user,
                        grade=request.POST["grade"],
                        feedback=form.cleaned_data.get("feedback", ""),
                        annotated=form.cleaned_data.get("annotated"),
                    )
                    messages.success(request, _("Die Bewertung ist gespeichert."))
                    return redirect("assessments:submission", pk=pk, candidate=candidate)
            elif action == "agree" and may_agree:
                form = agree_form = AgreeForm(request.POST, scheme=scheme)
                if form.is_valid():
                    other = (
                        submission.first_marker
                        if submission.first_marker_id != request.user.pk
                        else submission.second_marker
                    )
                    services.agree_grade(
                        submission,
                        actor=request.user,
                        grade=request.POST["grade"],
                        agreed_with=other,
                    )
                    messages.success(request, _("Die vereinbarte Note ist gespeichert."))
                    return redirect("assessments:submission", pk=pk, candidate=candidate)
            elif action == "change" and staff:
                form = change_form = ChangeForm(request.POST, scheme=scheme)
                if form.is_valid():
                    services.change_published_grade(
                        submission,
                        actor=request.user,
                        grade=request.POST["grade"],
                        reason=form.cleaned_data["reason"],
                    )
                    messages.success(
                        request, _("Die Note ist geändert; die Person ist informiert.")
                    )
                    return redirect("assessments:submission", pk=pk, candidate=candidate)
            else:
                raise Http404
        except ValidationError as error:
            _errors(form, error)
    return render(
        request,
        "assessments/marking_submission.html",
        {
            "assessment": assessment,
            "submission": submission,
            "versions": submission.versions.all(),
            "show_names": staff or not assessment.anonymous,
            "staff": staff,
            "second": second,
            "may_agree": may_agree,
            "first_grade": grading.display(submission.first_grade),
            "mark_form": mark_form,
            "agree_form": agree_form,
            "change_form": change_form,
        },
        status=400 if (mark_form.errors or agree_form.errors or change_form.errors) else 200,
    )


@login_required
def submission_file(request, pk, candidate, number):
    assessment = get_assessment_for_marker(request.user, pk)
    submission = get_submission(assessment, candidate)
    version = submission.versions.filter(number=number).first()
    if version is None:
        raise Http404
    name = version.original_name
    if assessment.anonymous and not is_staff_for(request.user, assessment):
        name = f"{submission.candidate_number}-{version.number}.pdf"
    return private_file_response(version.storage_name, name)
