"""The participant's assessments: task, deadline, upload with the declaration, history, grade."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from kohorte.assessments import services
from kohorte.assessments.access import get_assessment_for_participant, participant_assessments
from kohorte.assessments.forms import UploadForm
from kohorte.assessments.models import Extension, Submission
from kohorte.core.uploads import private_file_response
from kohorte.teaching.access import get_participation_for_user


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def assessment_list(request):
    participation = get_participation_for_user(request.user)
    assessments = list(participant_assessments(participation))
    extensions = {e.assessment_id: e for e in Extension.objects.filter(participation=participation)}
    submissions = {
        s.assessment_id: s for s in Submission.objects.filter(participation=participation)
    }
    rows = [
        {
            "assessment": a,
            "due": extensions[a.pk].due_at if a.pk in extensions else a.due_at,
            "extension": extensions.get(a.pk),
            "submission": submissions.get(a.pk),
        }
        for a in assessments
    ]
    return render(
        request,
        "assessments/participant_list.html",
        {"participation": participation, "rows": rows},
    )


@login_required
def assessment_detail(request, pk):
    participation, assessment = get_assessment_for_participant(request.user, pk)
    submission = (
        Submission.objects.filter(assessment=assessment, participation=participation)
        .prefetch_related("versions")
        .first()
    )
    form = UploadForm()
    if request.method == "POST":
        form = UploadForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                version = services.submit_work(
                    assessment,
                    participation,
                    form.cleaned_data["file"],
                    actor=request.user,
                    declared=form.cleaned_data["declaration"],
                )
            except ValidationError as error:
                if not hasattr(error, "error_dict") and error.code != "closed":
                    error = ValidationError({"file": error})
                _add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("Ihre Fassung %(n)d ist abgegeben.") % {"n": version.number},
                )
                return redirect("assessments:detail", pk=assessment.pk)
    due, extension = services.due_for(assessment, participation)
    published = submission is not None and submission.status == Submission.Status.PUBLISHED
    return render(
        request,
        "assessments/participant_detail.html",
        {
            "participation": participation,
            "assessment": assessment,
            "due": due,
            "extension": extension,
            "submission": submission,
            "versions": submission.versions.all() if submission else [],
            "published": published,
            "refusal": services.upload_refusal(assessment, submission, participation),
            "declaration": services.DECLARATION,
            "form": form,
        },
        status=400 if form.errors else 200,
    )


@login_required
def version_file(request, pk, number):
    participation, assessment = get_assessment_for_participant(request.user, pk)
    submission = Submission.objects.filter(
        assessment=assessment, participation=participation
    ).first()
    version = submission.versions.filter(number=number).first() if submission else None
    if version is None:
        raise Http404
    return private_file_response(version.storage_name, version.original_name)


@login_required
def feedback_file(request, pk):
    participation, assessment = get_assessment_for_participant(request.user, pk)
    submission = Submission.objects.filter(
        assessment=assessment, participation=participation, status=Submission.Status.PUBLISHED
    ).first()
    if submission is None or not submission.feedback_pdf:
        raise Http404
    return private_file_response(submission.feedback_pdf, submission.feedback_pdf_name)
