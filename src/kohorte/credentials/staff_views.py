"""The staff page of one certificate: its state, its versions, and revocation with a reason."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from kohorte.admissions.rules import cohorts_visible_to_staff
from kohorte.catalog.models import Cohort
from kohorte.core.access import login_and
from kohorte.credentials import services
from kohorte.credentials.models import Certificate
from kohorte.credentials.verify_forms import RevokeForm
from kohorte.teaching.rules import is_programme_staff

staff_view = login_and(is_programme_staff)


def get_certificate_for_staff(user, verification_id) -> Certificate:
    """A certificate of a cohort this person is staff of; the same 404 as for a missing one."""
    cohorts = cohorts_visible_to_staff(user, Cohort.objects.all())
    certificate = (
        Certificate.objects.select_related(
            "participation__cohort__program", "participation__user", "revoked_by", "issued_by"
        )
        .filter(verification_id=verification_id, participation__cohort__in=cohorts)
        .first()
    )
    if certificate is None:
        raise Http404
    return certificate


def _versions(certificate: Certificate) -> list[Certificate]:
    """Every version of this holder's certificate for this participation, newest first."""
    return list(
        Certificate.objects.filter(participation=certificate.participation)
        .select_related("supersedes")
        .order_by("-version")
    )


@staff_view
@require_http_methods(["GET", "HEAD", "POST"])
def certificate(request, verification_id):
    certificate = get_certificate_for_staff(request.user, verification_id)
    form = RevokeForm()
    if request.method == "POST":
        form = RevokeForm(request.POST)
        if form.is_valid():
            try:
                services.revoke_certificate(
                    certificate, actor=request.user, reason=form.cleaned_data["reason"]
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request, _("Das Zertifikat ist widerrufen. Die Prüfseite zeigt es an.")
                )
                return redirect(
                    "credentials:staff_certificate", verification_id=certificate.verification_id
                )
    can_revoke = Certificate.Status.REVOKED in Certificate.TRANSITIONS.get(
        Certificate.Status(certificate.status), set()
    )
    return render(
        request,
        "credentials/staff_certificate.html",
        {
            "certificate": certificate,
            "cohort": certificate.participation.cohort,
            "versions": _versions(certificate),
            "form": form,
            "can_revoke": can_revoke,
        },
    )
