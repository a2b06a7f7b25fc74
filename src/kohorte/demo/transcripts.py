"""Transcripts demo data: a signed German transcript for every participant of the 2024 cohort
who has a current completion decision (the completion demo makes those). Idempotent: whoever
already has one is skipped. The cohort's grading tables and the signer are read once."""

import logging

from kohorte.demo.catalog import PAST_COHORT

log = logging.getLogger(__name__)


def _signer():
    """The configured signer; the demo makes the local CA and issuer key if none exists, as
    ``kohorte demo`` does (tests load the demo into a fresh data folder)."""
    from django.conf import settings

    from kohorte.core import issuer
    from kohorte.core.signing import get_signer

    own_key = settings.KOHORTE_ISSUER_PKCS12 or settings.KOHORTE_ISSUER_KEY
    if not own_key and not issuer.local_issuer_exists():
        issuer.setup_issuer()
    return get_signer()


def load_transcripts_demo(program, staff) -> int:
    """Issue the missing transcripts; return how many were issued."""
    from kohorte.assessments.models import Completion
    from kohorte.assessments.services.transcripts import issue_transcript
    from kohorte.assessments.transcript import cohort_grades
    from kohorte.teaching.models import Participation

    cohort = program.cohorts.get(slug=PAST_COHORT)
    completed = Completion.objects.current().filter(participation__cohort=cohort)
    todo = list(
        Participation.objects.filter(pk__in=completed.values("participation_id"))
        .exclude(transcripts__isnull=False)
        .select_related("user", "cohort__program")
        .order_by("pk")
    )
    if not todo:
        return 0
    signer = _signer()
    reference = cohort_grades(cohort)
    for participation in todo:
        issue_transcript(
            participation,
            actor=staff,
            language="de",
            reference=reference,
            signer=signer,
            notify=False,  # the demo's outbox shows other mails; nobody waits for these
        )
    log.info("demo: %d transcripts issued", len(todo))
    return len(todo)
