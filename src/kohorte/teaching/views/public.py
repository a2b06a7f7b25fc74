"""The supervisor's single-purpose page: confirm the employer's release, no account."""

from contextlib import suppress

from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from kohorte.teaching import services
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
    if found.status == Release.Status.CONFIRMED:
        return _page(request, "teaching/release_done.html", context)
    if found.status == Release.Status.REPLACED:
        return _page(
            request, "teaching/release_invalid.html", {**context, "reason": "replaced"}, 410
        )
    if found.expires_at <= timezone.now():
        return _page(
            request, "teaching/release_invalid.html", {**context, "reason": "expired"}, 410
        )
    if request.method == "POST":
        # answered or expired meanwhile: the page after the redirect says which
        with suppress(ValidationError):
            services.confirm_release(found)
        return redirect(request.path)
    return _page(request, "teaching/release.html", context)


def _page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    # The token is in the URL: never send it to another site in a Referer header.
    response["Referrer-Policy"] = "same-origin"
    return response
