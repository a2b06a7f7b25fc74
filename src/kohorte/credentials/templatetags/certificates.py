"""The holder's certificates on "Mein Programm" (valid first, then the older versions)."""

from urllib.parse import urlencode

from django import template

from kohorte.credentials.certificate_pdf import issuer_name
from kohorte.credentials.models import Certificate
from kohorte.credentials.ob3 import verification_url

register = template.Library()

LINKEDIN_ADD = "https://www.linkedin.com/profile/add"


def linkedin_url(certificate, program) -> str:
    """LinkedIn's "Add to profile" link with the certification fields filled in."""
    return (
        LINKEDIN_ADD
        + "?"
        + urlencode(
            {
                "startTask": "CERTIFICATION_NAME",
                "name": program.title,
                "organizationName": issuer_name(program),
                "issueYear": certificate.issued_at.year,
                "issueMonth": certificate.issued_at.month,
                "certUrl": verification_url(certificate.verification_id),
                "certId": certificate.verification_id,
            }
        )
    )


@register.simple_tag
def my_certificates(participation):
    certificates = list(
        Certificate.objects.filter(participation=participation).order_by("-version")
    )
    program = participation.cohort.program
    for certificate in certificates:
        certificate.verify_url = verification_url(certificate.verification_id)
        certificate.linkedin_url = linkedin_url(certificate, program)
    return certificates
