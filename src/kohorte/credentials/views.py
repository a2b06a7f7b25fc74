"""Public pages of the issuer: the CA certificate and CRL (to validate a signed PDF), the Open
Badges issuer profile, keys and status list, and the verification page."""

import json

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods, require_safe

from kohorte.catalog.signals import CATALOG_AREA
from kohorte.core.pagecache import current_version
from kohorte.core.signing import IssuerNotConfigured, get_signer
from kohorte.credentials import keys, ob3, status, verify
from kohorte.credentials.verify_forms import VerifyUploadForm

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


# --- Open Badges: issuer profile, keys, status list; the verification page ------------------

JSON_LD = "application/ld+json"
VERIFY_CACHE_SECONDS = 300
STATUS_MAX_AGE = status.CACHE_SECONDS


def _json(data: dict, content_type: str = "application/json") -> HttpResponse:
    body = json.dumps(data, ensure_ascii=False, indent=2)
    response = HttpResponse(body, content_type=f"{content_type}; charset=utf-8")
    response["Access-Control-Allow-Origin"] = "*"  # verifiers in a browser fetch these
    return response


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def issuer(request):
    """The issuer's Open Badges Profile (JSON-LD): ``issuer.id`` of every credential."""
    return _json(ob3.issuer_profile(), JSON_LD)


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def jwks(request):
    """All public credential keys, current and retired, as a JWK Set."""
    return _json(keys.public_jwks(), "application/jwk-set+json")


@require_safe
@cache_control(public=True, max_age=MAX_AGE)
def public_key(request, thumbprint):
    """One public key as a single JWK: the URL is the ``kid`` of the JWT header."""
    key = keys.all_keys().get(thumbprint)
    if key is None:
        raise Http404
    return _json(key.public_jwk(), "application/jwk+json")


@require_safe
@cache_control(public=True, max_age=STATUS_MAX_AGE)
def status_list(request, list_id):
    """The Bitstring Status List credential, signed as a VC-JWT (``?format=json``: the same
    credential unsigned, for reading)."""
    if list_id != status.LIST_ID:
        raise Http404
    if request.GET.get("format") == "json":
        return _json(status.status_list_credential(), JSON_LD)
    try:
        token = status.signed_status_list()
    except keys.NoCredentialKey as exc:
        raise Http404 from exc
    response = HttpResponse(token, content_type="application/vc+jwt")
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _public_view(certificate) -> dict:
    participation = certificate.participation
    return {
        "certificate": certificate,
        "holder_name": certificate.holder_name,
        "program": participation.cohort.program,
        "cohort": participation.cohort,
        "state": certificate.status,
    }


@require_safe
def verify_certificate(request, verification_id):
    certificate = verify.find_certificate(verification_id)
    if certificate is None:
        return render(
            request,
            "credentials/verify_unknown.html",
            {"verification_id": verification_id[:40]},
            status=404,
        )
    # Anonymous visitors (the QR code's readers) get the page from the cache, keyed by what it
    # shows: the certificate's state is read fresh on every request, so a revocation or a
    # re-issue shows at once; the site's header follows the catalogue's content version.
    key = None
    if not request.user.is_authenticated:
        revoked = certificate.revoked_at.isoformat() if certificate.revoked_at else ""
        version = current_version(CATALOG_AREA)
        key = (
            f"verify:{certificate.verification_id}:{certificate.status}:{revoked}:"
            f"{get_language()}:{version}"
        )
        hit = cache.get(key)
        if hit is not None:
            return HttpResponse(hit, content_type="text/html; charset=utf-8")
    context = {**_public_view(certificate), "ca_url": reverse("credentials:ca_certificate")}
    response = render(request, "credentials/verify.html", context)
    if key is not None and not response.cookies:
        cache.set(key, response.content, VERIFY_CACHE_SECONDS)
    return response


@csrf_protect
@require_http_methods(["GET", "HEAD", "POST"])
def verify_upload(request):
    """Anyone drops a certificate PDF or a credential file: signature, then status."""
    result = None
    form = VerifyUploadForm()
    if request.method == "POST":
        form = VerifyUploadForm(request.POST, request.FILES)
        if form.is_valid():
            kind, data = form.cleaned_data["document"]
            check = verify.check_pdf(data) if kind == "pdf" else verify.check_jwt(data)
            result = {"check": check, "kind": kind}
            if check.certificate is not None:
                result.update(_public_view(check.certificate))
    return render(request, "credentials/verify_upload.html", {"form": form, "result": result})
