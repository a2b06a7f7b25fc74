"""The holder's own certificate files: the signed PDF and the Open Badges credential (.jwt).
Only the holder's own (the same 404 for another's and for a missing one)."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from kohorte.core.uploads.storage import private_file_response
from kohorte.credentials.issuance import certificate_filename, credential_filename
from kohorte.credentials.models import Certificate


def _own(request, verification_id) -> Certificate:
    return get_object_or_404(
        Certificate, verification_id=verification_id, participation__user=request.user
    )


@login_required
@require_safe
def pdf(request, verification_id):
    certificate = _own(request, verification_id)
    if not certificate.pdf_name:
        raise Http404
    return private_file_response(certificate.pdf_name, certificate_filename(certificate))


@login_required
@require_safe
def jwt(request, verification_id):
    certificate = _own(request, verification_id)
    if not certificate.credential_jwt:
        raise Http404
    response = HttpResponse(certificate.credential_jwt, content_type="application/jwt")
    response["Content-Disposition"] = f'attachment; filename="{credential_filename(certificate)}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
