"""Certificate demo data: the 2024 cohort's completers (participations with a current
Completion, which the assessments demo decides) hold signed certificates; one was re-issued
(a changed name), one revoked. Idempotent: does nothing once a certificate of the cohort exists.
"""

from django.db import transaction

from kohorte.demo.catalog import PAST_COHORT

REVOKE_REASON = "Demo: Zertifikat irrtümlich ausgestellt."


def load_certificates_demo(program, staff) -> None:
    from kohorte.assessments.models import Completion
    from kohorte.credentials import issuance
    from kohorte.credentials.models import Certificate
    from kohorte.credentials.services import revoke_certificate
    from kohorte.teaching.models import Participation

    past = program.cohorts.get(slug=PAST_COHORT)
    if Certificate.objects.filter(participation__cohort=past).exists():
        return
    completers = list(
        Participation.objects.filter(
            cohort=past, pk__in=Completion.objects.current().values("participation_id")
        )
        .select_related("user", "cohort__program")
        .order_by("pk")
    )
    if not completers:
        return
    from kohorte.assessments.results import module_results
    from kohorte.core.signing import get_signer

    results = module_results([p.pk for p in completers])
    signer = get_signer()
    with transaction.atomic():
        issued = [
            issuance.issue_certificate(p, actor=staff, results=results.get(p.pk, {}), signer=signer)
            for p in completers
        ]
        others = [c for c in issued if c.participation.user.email != _participant_email()]
        if others:
            issuance.issue_certificate(
                others[0].participation,
                actor=staff,
                reason="Namensänderung (Demo)",
                signer=signer,
            )
        if len(others) > 1:
            revoke_certificate(others[1], actor=staff, reason=REVOKE_REASON)


def _participant_email() -> str:
    from kohorte.demo.teaching import PARTICIPANT_EMAIL

    return PARTICIPANT_EMAIL


def demo_verification_url() -> str:
    """The verification URL of one valid demo certificate (the participant login's if any)."""
    from kohorte.credentials.models import Certificate
    from kohorte.credentials.ob3 import verification_url

    valid = Certificate.objects.filter(
        status=Certificate.Status.VALID, participation__cohort__slug=PAST_COHORT
    ).select_related("participation__user")
    certificate = (
        valid.filter(participation__user__email=_participant_email()).first() or valid.first()
    )
    return verification_url(certificate.verification_id) if certificate else ""
