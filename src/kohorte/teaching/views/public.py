"""The supervisor's single-purpose page: confirm or decline the employer's release, no account."""

from contextlib import suppress

from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from kohorte.catalog.ical import runs_calendar
from kohorte.teaching import services
from kohorte.teaching.forms import DeclineForm
from kohorte.teaching.models import Release


def release(request, token):
    found = services.find_release(token)
    if found is None:
        return _page(request, "teaching/release_invalid.html", {"reason": "unknown"}, 404)
    participation = found.participation
    context = {
        "release": found,
        "participation": participation,
        "program": participation.cohort.program,
    }
    if found.status in {Release.Status.CONFIRMED, Release.Status.DECLINED}:
        # answered: the link is used up; a second answer changes nothing
        return _page(request, "teaching/release_done.html", context)
    if found.status == Release.Status.REPLACED:
        return _page(
            request, "teaching/release_invalid.html", {**context, "reason": "replaced"}, 410
        )
    if found.expires_at <= timezone.now():
        return _page(
            request, "teaching/release_invalid.html", {**context, "reason": "expired"}, 410
        )
    decline_form = DeclineForm()
    if request.method == "POST":
        if request.POST.get("answer") == "decline":
            decline_form = DeclineForm(request.POST)
            if decline_form.is_valid():
                # answered or expired meanwhile: the page after the redirect says which
                with suppress(ValidationError):
                    services.decline_release(found, reason=decline_form.cleaned_data["reason"])
                return redirect(request.path)
        else:
            with suppress(ValidationError):
                services.confirm_release(found)
            return redirect(request.path)
    return _page(
        request,
        "teaching/release.html",
        {**context, "decline_form": decline_form},
        400 if decline_form.errors else 200,
    )


def _page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    # The token is in the URL: never send it to another site in a Referer header.
    response["Referrer-Policy"] = "same-origin"
    return response


@require_safe
def calendar_feed(request, token):
    """A participant's or a lecturer's private iCal feed: exactly their sessions. Unknown or
    revoked: 404."""
    participation = services.find_calendar_participation(token)
    if participation is not None:
        cohort = participation.cohort
        name = f"{cohort.program.title} – {cohort.name}"
        body = runs_calendar(
            name,
            services.personal_runs(participation),
            request,
            events=services.personal_events(participation),
        )
        filename = "mein-programm.ics"
    else:
        # a lecturer's feed: exactly the sessions of the runs they teach
        lecturer = services.find_calendar_lecturer(token)
        if lecturer is None:
            raise Http404
        body = runs_calendar(_("Meine Lehre"), services.lecturer_feed_runs(lecturer), request)
        filename = "meine-lehre.ics"
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-cache"
    response["Referrer-Policy"] = "same-origin"
    return response
