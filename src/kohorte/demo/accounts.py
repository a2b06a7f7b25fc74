"""The demo's accounts: one per role, all with the documented demo password."""

import os

from django.contrib.auth.hashers import check_password, make_password

DEMO_DOMAIN = "example.org"
# (role, local part of the e-mail address, first name, last name)
ROLES = [
    ("staff", "programmteam", "Paula", "Programm"),
    ("reviewer", "gutachterin", "Greta", "Gutachter"),
    ("chair", "vorsitz", "Clara", "Vorsitz"),
    ("lecturer", "dozentin", "Dora", "Dozent"),
    ("applicant", "bewerberin", "Bea", "Bewerber"),
]
DEFAULT_PASSWORD = "kohorte-demo"  # noqa: S105 (the documented demo password)


def demo_password() -> str:
    return os.environ.get("KOHORTE_DEMO_PASSWORD") or DEFAULT_PASSWORD


def email_of(role: str) -> str:
    local = next(row[1] for row in ROLES if row[0] == role)
    return f"{local}@{DEMO_DOMAIN}"


def demo_people() -> dict:
    """The demo's users by role."""
    from kohorte.accounts.models import User

    by_email = {u.email.lower(): u for u in User.objects.filter(email__in=_emails())}
    return {role: by_email[email_of(role)] for role, *_ in ROLES}


def _emails() -> list[str]:
    return [email_of(role) for role, *_ in ROLES]


def load_accounts(program, current) -> list[tuple[str, str, str]]:
    """Create (or update) one account per role; return the logins.

    Hashing a password takes about half a second, so it is hashed once for all accounts, and
    only when an account is new or KOHORTE_DEMO_PASSWORD asks for another one (a stored hash
    is checked once, however many accounts share it)."""
    from allauth.account.models import EmailAddress

    from kohorte.accounts.models import Membership, User
    from kohorte.accounts.services import ensure_staff_group

    staff_group = ensure_staff_group()
    password = demo_password()
    hashed: list[str] = []  # the one new hash, made when first needed
    checked: dict[str, bool] = {}  # stored hash -> does the password match it

    def new_hash() -> str:
        if not hashed:
            hashed.append(make_password(password))
        return hashed[0]

    logins = []
    for role, local, first_name, last_name in ROLES:
        email = f"{local}@{DEMO_DOMAIN}"
        user = User.objects.filter(email__iexact=email).first()
        needs_password = user is None
        if user is not None and "KOHORTE_DEMO_PASSWORD" in os.environ:
            if user.password not in checked:
                checked[user.password] = check_password(password, user.password)
            needs_password = not checked[user.password]
        user = user or User(email=email)
        user.first_name, user.last_name = first_name, last_name
        user.is_staff = role == "staff"
        if needs_password:
            user.password = new_hash()
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
    return logins
