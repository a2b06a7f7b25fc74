"""A few mails, so that the outbox ("Postausgang") shows what Kohorte sends."""

from kohorte.comms import services
from kohorte.comms.models import Batch


def load_demo_mail(cohort, *, applicant, staff) -> None:
    """Two single mails and two bulk sends (once; the single mails are idempotent by key)."""
    services.queue_mail(
        "account.email_confirmation",
        to=applicant.email,
        user=applicant,
        context={"activate_url": "http://127.0.0.1:8000/konto/confirm-email/demo/"},
        idempotency_key="demo:account-confirmation",
    )
    services.queue_mail(
        "referee.requested",
        to="referenz@example.org",
        name="Dr. Rita Referenz",
        context={
            "program_title": cohort.program.title,
            "cohort_name": cohort.name,
            "applicant_name": applicant.get_full_name(),
            "upload_url": "http://127.0.0.1:8000/empfehlung/demo/",
            "deadline": cohort.applications_close_at.strftime("%d.%m.%Y"),
        },
        idempotency_key="demo:referee-request",
    )
    if not Batch.objects.exists():
        services.create_batch(
            segment_key=f"role:reviewer:cohort:{cohort.pk}",
            subject="Willkommen in der Auswahlkommission",
            body_text="Guten Tag {{ recipient_name }},\n\nwillkommen in der Auswahlkommission. "
            "Die Begutachtung beginnt nach dem Bewerbungsschluss.\n\nIhr Programmteam",
            category="transactional",
            action="send",
            actor=staff,
        )
        services.create_batch(
            segment_key="accounts:all",
            subject="Einladung zur Online-Informationsveranstaltung",
            body_text="Guten Tag {{ recipient_name }},\n\nwir laden Sie herzlich zu unserer "
            "Online-Informationsveranstaltung ein.\n\nIhr Programmteam",
            category="news",
            action="hold",
            actor=staff,
        )
