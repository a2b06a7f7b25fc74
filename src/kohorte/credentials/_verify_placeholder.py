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


@require_safe
def staff_certificate(request, verification_id):
    from kohorte.admissions.rules import cohorts_visible_to_staff
    from kohorte.catalog.models import Cohort

    certificate = Certificate.objects.filter(
        verification_id=verification_id,
        participation__cohort__in=cohorts_visible_to_staff(request.user, Cohort.objects.all())
        if request.user.is_authenticated
        else Cohort.objects.none(),
    ).first()
    if certificate is None:
        raise Http404
    return HttpResponse(
        f"{certificate.holder_name} v{certificate.version}: {certificate.get_status_display()}",
        content_type="text/plain; charset=utf-8",
    )
