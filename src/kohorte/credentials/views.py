"""The issuer's CA certificate and CRL, public, so that anyone can validate a signed PDF."""

from django.http import Http404, HttpResponse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from kohorte.credentials.signing import IssuerNotConfigured, get_signer

MAX_AGE = 600  # seconds: a reissued CRL reaches validators within ten minutes


def _published(index: int) -> bytes:
    try:
        data = get_signer(refresh_crl=False).published_ca()[index]
    except IssuerNotConfigured:
        data = None
    if data is None:
        raise Http404
    return data


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def ca_certificate(request):
    response = HttpResponse(_published(0), content_type="application/x-pem-file")
    response["Content-Disposition"] = 'inline; filename="kohorte-ca.pem"'
    return response


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def ca_crl(request):
    response = HttpResponse(_published(1), content_type="application/pkix-crl")
    response["Content-Disposition"] = 'inline; filename="kohorte-ca.crl"'
    return response
