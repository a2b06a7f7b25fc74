"""The demo: the first customer's program, and one account per role.

Lives above the apps because it spans them (catalog data plus accounts with roles).
"""

import os

from django.contrib.auth.models import Group, Permission
from django.db import transaction

DEMO_DOMAIN = "example.org"
ROLES = [
    ("staff", "programmteam"),
    ("reviewer", "gutachterin"),
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
    staff_group, _ = Group.objects.get_or_create(name="Programmteam")
    staff_group.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["catalog", "accounts"])
    )
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
        elif role in {"reviewer", "lecturer"}:
            Membership.objects.get_or_create(user=user, role=role, cohort=current)
        logins.append((role, email, password))
    return logins
