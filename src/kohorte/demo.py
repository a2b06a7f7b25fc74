"""The demo: the first customer's program, and one account per role.

Lives above the apps because it spans them (catalog data plus accounts with roles).
"""

import os

from django.db import transaction

DEMO_DOMAIN = "example.org"
ROLES = [
    ("staff", "programmteam"),
    ("reviewer", "gutachterin"),
    ("chair", "vorsitz"),
    ("lecturer", "dozentin"),
    ("applicant", "bewerberin"),
]


DEFAULT_PASSWORD = "kohorte-demo"  # noqa: S105 (the documented demo password)


def demo_password() -> str:
    return os.environ.get("KOHORTE_DEMO_PASSWORD") or DEFAULT_PASSWORD


@transaction.atomic
def load_demo() -> list[tuple[str, str, str]]:
    """Load the catalogue and create the demo accounts; safe to run again. Return the logins."""
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership, User
    from kohorte.catalog.loader import load_catalog
    from kohorte.catalog.models import Cohort

    program = load_catalog()
    current = Cohort.objects.get(program=program, slug="jahrgang-2")
    from kohorte.accounts.services import ensure_staff_group

    staff_group = ensure_staff_group()
    password = demo_password()
    logins = []
    for role, local in ROLES:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email__iexact=email).first()
        # Hashing a password takes about half a second: only when the account is new or
        # KOHORTE_DEMO_PASSWORD asks for another one.
        needs_password = user is None or (
            "KOHORTE_DEMO_PASSWORD" in os.environ and not user.check_password(password)
        )
        user = user or User(email=email)
        user.first_name, user.last_name = {
            "staff": ("Paula", "Programm"),
            "reviewer": ("Greta", "Gutachter"),
            "chair": ("Clara", "Vorsitz"),
            "lecturer": ("Dora", "Dozent"),
            "applicant": ("Bea", "Bewerber"),
        }[role]
        user.is_staff = role == "staff"
        if needs_password:
            user.set_password(password)
        user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == "staff":
            user.groups.add(staff_group)
            Membership.objects.get_or_create(user=user, role="staff", program=program)
        elif role in {"reviewer", "lecturer", "chair"}:
            Membership.objects.get_or_create(user=user, role=role, cohort=current)
        logins.append((role, email, password))
    _demo_mail(current)
    from kohorte.admissions.demo import load_demo_applications

    staff = User.objects.get(email=f"programmteam@{DEMO_DOMAIN}")
    link = load_demo_applications(current, staff)
    from kohorte.selection.demo import load_selection_demo

    load_selection_demo(
        current,
        reviewer=User.objects.get(email=f"gutachterin@{DEMO_DOMAIN}"),
        chair=User.objects.get(email=f"vorsitz@{DEMO_DOMAIN}"),
        staff=staff,
    )
    if link:
        logins.append(("referee link", link, "(no login: the unanswered request)"))
    return logins


def _demo_mail(cohort) -> None:
    """A few mails, so that the outbox ("Postausgang") shows what Kohorte sends."""
    from kohorte.accounts.models import User
    from kohorte.comms import services
    from kohorte.comms.models import Batch

    applicant = User.objects.get(email=f"bewerberin@{DEMO_DOMAIN}")
    staff = User.objects.get(email=f"programmteam@{DEMO_DOMAIN}")
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
