"""The referee's page, reachable without an account: the secret link in the request mail is
the key. One upload, then a kind thank-you; an unknown, used, replaced or expired link is
explained."""

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kohorte.admissions import services
from kohorte.admissions.access import find_referee_request_for_token
from kohorte.admissions.forms import RefereeUploadForm
from kohorte.admissions.models import RefereeRequest


@never_cache
@require_http_methods(["GET", "POST"])
def referee(request, token):
    """The referee's single-purpose page: no account, one upload, then a kind thank-you."""
    referee_request = find_referee_request_for_token(token)
    if referee_request is None:
        return _referee_page(request, "admissions/referee_invalid.html", {"reason": "unknown"}, 404)
    context = {
        "req": referee_request,
        "application": referee_request.application,
        # the programme's name and design on the referee's page
        "program": referee_request.application.cohort.program,
    }
    if referee_request.status == RefereeRequest.Status.RECEIVED:
        return _referee_page(request, "admissions/referee_done.html", context)
    if referee_request.status == RefereeRequest.Status.REPLACED:
        return _referee_page(
            request, "admissions/referee_invalid.html", {**context, "reason": "replaced"}, 410
        )
    if referee_request.valid_until <= timezone.now():
        return _referee_page(
            request, "admissions/referee_invalid.html", {**context, "reason": "expired"}, 410
        )
    form = RefereeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.referee_upload(referee_request, form.cleaned_data["letter"])
        except ValidationError as error:
            form.add_error("letter", error)
        except services.IllegalTransition:
            return redirect(request.path)
        else:
            return redirect(request.path)
    return _referee_page(
        request, "admissions/referee.html", {**context, "form": form}, 400 if form.errors else 200
    )


def _referee_page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    # The token is in the URL: never send it to another site in a Referer header.
    response["Referrer-Policy"] = "same-origin"
    return response
