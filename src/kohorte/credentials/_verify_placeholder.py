"""Placeholder: replaced by h15-ob3's verification page on merge (remove this file and its
URL in ``credentials/urls.py``). It exists only so that ``credentials:verify`` reverses."""

from django.http import Http404, HttpResponse
from django.views.decorators.http import require_safe

from kohorte.credentials.models import Certificate


@require_safe
def verify(request, verification_id):
    certificate = Certificate.objects.filter(verification_id=verification_id).first()
    if certificate is None:
        raise Http404
    return HttpResponse(
        f"{certificate.holder_name}: {certificate.get_status_display()}",
        content_type="text/plain; charset=utf-8",
    )
