"""Transcripts (Leistungsübersicht): staff issue and correct them per cohort and download the
EMPA credit record; the participant downloads her own. Same 404 for missing and forbidden."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kohorte.assessments import export
from kohorte.assessments.models import Completion, Transcript
from kohorte.assessments.services.transcripts import LANGUAGES, issue_transcript
from kohorte.assessments.transcript import transcript_content
from kohorte.core.access import login_and
from kohorte.core.uploads import private_file_response
from kohorte.teaching.access import get_cohort_for_staff, get_participation_for_staff
from kohorte.teaching.models import Participation
from kohorte.teaching.rules import is_programme_staff

staff_view = login_and(is_programme_staff)
LANGUAGE_NAMES = {"de": gettext_lazy("Deutsch"), "en": gettext_lazy("Englisch")}


class IssueForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Grund der Korrektur"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


def _language(request) -> str:
    language = request.GET.get("sprache", request.POST.get("sprache", "de"))
    if language not in LANGUAGES:
        raise Http404
    return language


def _history(transcripts):
    """Per transcript, the version that superseded it (no extra queries)."""
    by_superseded = {t.supersedes_id: t for t in transcripts if t.supersedes_id}
    for transcript in transcripts:
        transcript.replaced_by = by_superseded.get(transcript.pk)
    return transcripts


@staff_view
def staff_list(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    participations = list(
        Participation.objects.filter(cohort=cohort)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
    transcripts = _history(
        list(
            Transcript.objects.filter(participation__cohort=cohort).order_by(
                "participation", "language", "-version"
            )
        )
    )
    completed = dict(
        Completion.objects.current()
        .filter(participation__cohort=cohort)
        .values_list("participation_id", "completed_on")
    )
    rows = []
    for p in participations:
        mine = [t for t in transcripts if t.participation_id == p.pk]
        rows.append(
            {
                "participation": p,
                "completed_on": completed.get(p.pk),
                "languages": [
                    {
                        "code": code,
                        "name": LANGUAGE_NAMES[code],
                        "current": next(
                            (t for t in mine if t.language == code and not t.replaced_by), None
                        ),
                        "versions": [t for t in mine if t.language == code],
                    }
                    for code in LANGUAGES
                ],
            }
        )
    return render(request, "assessments/transcripts_staff.html", {"cohort": cohort, "rows": rows})


@staff_view
def staff_issue(request, cohort_id, participation_id):
    """GET: what will be issued, and the confirmation; POST: issue (or correct) it."""
    cohort = get_cohort_for_staff(request.user, cohort_id)
    participation = get_participation_for_staff(request.user, cohort, participation_id)
    language = _language(request)
    current = (
        Transcript.objects.current().filter(participation=participation, language=language).first()
    )
    form = IssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            transcript = issue_transcript(
                participation,
                actor=request.user,
                language=language,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Die Leistungsübersicht (%(language)s, Fassung %(version)d) für %(name)s ist ausgestellt."
                )
                % {
                    "language": LANGUAGE_NAMES[language],
                    "version": transcript.version,
                    "name": participation.name,
                },
            )
            return redirect("transcripts:staff_list", cohort_id=cohort.pk)
    content = transcript_content(participation)
    if current is None:
        form.fields["reason"].widget = forms.HiddenInput()
    else:
        form.fields["reason"].required = True
    return render(
        request,
        "assessments/transcript_issue.html",
        {
            "cohort": cohort,
            "participation": participation,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "current": current,
            "content": content,
            "form": form,
        },
    )


@staff_view
def staff_file(request, cohort_id, pk):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    transcript = get_object_or_404(
        Transcript.objects.select_related("participation__cohort"),
        participation__cohort=cohort,
        pk=pk,
    )
    return private_file_response(transcript.pdf_name, transcript.filename)


@staff_view
def export_xlsx(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    return _download(
        export.credits_xlsx(cohort),
        export.filename(cohort, "xlsx"),
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )


@staff_view
def export_csv(request, cohort_id):
    cohort = get_cohort_for_staff(request.user, cohort_id)
    return _download(
        export.credits_csv(cohort), export.filename(cohort, "csv"), "text/csv; charset=utf-8"
    )


def _download(data: bytes, filename: str, content_type: str) -> HttpResponse:
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
def my_transcripts(request):
    """The participant's transcripts, current ones marked, superseded ones named as such."""
    if not request.user.participations.exists():
        raise Http404
    transcripts = _history(
        list(
            Transcript.objects.filter(participation__user=request.user)
            .select_related("participation__cohort")
            .order_by("-participation__cohort__starts_on", "language", "-version")
        )
    )
    return render(request, "assessments/transcripts_mine.html", {"transcripts": transcripts})


@login_required
def my_transcript_file(request, pk):
    transcript = get_object_or_404(
        Transcript.objects.select_related("participation__cohort"),
        participation__user=request.user,
        pk=pk,
    )
    return private_file_response(transcript.pdf_name, transcript.filename)
