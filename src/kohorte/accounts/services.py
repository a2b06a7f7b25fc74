"""Writes on accounts: roles (memberships) and privileges, each with an audit row.

Roles decide who sees applications, reviews and decisions; only superusers change them (the
admin calls these services), and every change leaves a row in the audit log.
"""

from django.db import transaction

from kohorte.accounts.models import Membership, User
from kohorte.core.audit import log_action

# The permissions of the programme team ("Programmteam" group): the catalogue, and reading
# accounts and roles. Adding or deleting accounts, changing roles, passwords or privileges
# is for superusers only (see accounts/admin.py, which also makes those fields read-only).
STAFF_GROUP_NAME = "Programmteam"
STAFF_ACCOUNT_PERMISSIONS = [
    "view_user",
    "change_user",  # names, language, active flag of non-staff accounts; nothing else
    "view_membership",
    "view_privacyconsent",
]


def staff_group_permissions():
    """The permissions the programme-team group holds (and no others)."""
    from django.contrib.auth.models import Permission
    from django.db.models import Q

    return Permission.objects.filter(
        Q(content_type__app_label="catalog")
        | Q(content_type__app_label="accounts", codename__in=STAFF_ACCOUNT_PERMISSIONS)
    )


def ensure_staff_group():
    """Create the programme-team group, or reset its permissions to exactly the allowed ones."""
    from django.contrib.auth.models import Group

    group, _ = Group.objects.get_or_create(name=STAFF_GROUP_NAME)
    group.permissions.set(staff_group_permissions())
    return group


def _role_data(membership: Membership) -> dict:
    return {
        "user": membership.user.email,
        "role": membership.role,
        "program": membership.program_id,
        "cohort": membership.cohort_id,
    }


def grant_role(user: User, role: str, *, cohort=None, program=None, actor: User) -> Membership:
    """Give ``user`` the role for one cohort or one program; write the audit row."""
    membership = Membership(user=user, role=role, cohort=cohort, program=program)
    return grant_membership(membership, actor=actor)


@transaction.atomic
def grant_membership(membership: Membership, *, actor: User) -> Membership:
    """Store a new, unsaved membership (as a form built it); write the audit row."""
    membership.full_clean()
    membership.save()
    log_action(
        "accounts.role_granted",
        actor=actor,
        target=membership.user,
        data=_role_data(membership),
    )
    return membership


@transaction.atomic
def change_role(
    membership: Membership, *, role: str, cohort=None, program=None, actor: User
) -> Membership:
    """Change what a membership grants (role, cohort or program); audit old and new."""
    before = _role_data(Membership.objects.select_related("user").get(pk=membership.pk))
    membership.role, membership.cohort, membership.program = role, cohort, program
    membership.full_clean()
    membership.save(update_fields=["role", "cohort", "program"])
    log_action(
        "accounts.role_changed",
        actor=actor,
        target=membership.user,
        data={"before": before, "after": _role_data(membership)},
    )
    return membership


@transaction.atomic
def revoke_role(membership: Membership, *, actor: User) -> None:
    """Take the role away (delete the membership); write the audit row."""
    data = _role_data(membership)
    user = membership.user
    membership.delete()
    log_action("accounts.role_revoked", actor=actor, target=user, data=data)


def privileges(user: User) -> dict:
    """The privilege fields of an account, as the audit log records them."""
    if not user.pk:
        return {}
    fresh = User.objects.get(pk=user.pk)
    return {
        "is_active": fresh.is_active,
        "is_staff": fresh.is_staff,
        "is_superuser": fresh.is_superuser,
        "groups": sorted(fresh.groups.values_list("name", flat=True)),
        "user_permissions": sorted(
            f"{app}.{codename}"
            for app, codename in fresh.user_permissions.values_list(
                "content_type__app_label", "codename"
            )
        ),
    }


def record_privileges_changed(user: User, *, before: dict, actor: User) -> None:
    """Write an audit row if the account's privileges differ from ``before``."""
    after = privileges(user)
    if after != before:
        log_action(
            "accounts.privileges_changed",
            actor=actor,
            target=user,
            data={"before": before, "after": after},
        )


def record_password_set(user: User, *, actor: User) -> None:
    """Write the audit row for a password set by someone else (a superuser in the admin)."""
    log_action("accounts.password_set_by_admin", actor=actor, target=user)
