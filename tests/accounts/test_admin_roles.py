"""Issue 9, item 1: staff cannot widen anyone's rights in the admin; superusers can, audited.

Every attack is a forged POST (what a browser's dev tools allow), not a look at the form.
"""

import importlib

import pytest
from django.apps import apps as django_apps
from django.contrib.auth.models import Group, Permission

from kohorte.accounts.models import Membership, User
from kohorte.accounts.services import STAFF_GROUP_NAME, ensure_staff_group
from kohorte.core.models import AuditLog
from tests.factories import CohortFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    return CohortFactory()


@pytest.fixture
def team(cohort):
    """A programme-team member exactly as the demo sets one up: group, flag and membership."""
    user = User.objects.create_user(
        "team@example.org", "team-pass-123", is_staff=True, first_name="Tina", last_name="Team"
    )
    user.groups.add(ensure_staff_group())
    Membership.objects.create(user=user, role="staff", program=cohort.program)
    return user


@pytest.fixture
def victim():
    return User.objects.create_user(
        "bea@bund.example", "alt-passwort-123", first_name="Bea", last_name="Bewerber"
    )


@pytest.fixture
def boss():
    return User.objects.create_superuser("root@example.org", "root-pass-123")


def _user_form(user, **changes):
    data = {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "preferred_language": user.preferred_language,
        "is_active": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
        "privacy_consents-TOTAL_FORMS": "0",
        "privacy_consents-INITIAL_FORMS": "0",
        "privacy_consents-MIN_NUM_FORMS": "0",
        "privacy_consents-MAX_NUM_FORMS": "1000",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    data.update(changes)
    return data


def _escalation(user, cohort):
    """Everything a staff member would like to give an account in one POST."""
    every_permission = list(Permission.objects.values_list("pk", flat=True))
    return {
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get_or_create(name="Alles")[0].pk],
        "user_permissions": every_permission,
        "email": "angreifer@example.org",
        "memberships-TOTAL_FORMS": "1",
        "memberships-0-user": str(user.pk),
        "memberships-0-role": "chair",
        "memberships-0-cohort": str(cohort.pk),
        "memberships-0-program": "",
    }


def _privileges(user):
    user = User.objects.get(pk=user.pk)
    return (
        user.email,
        user.is_staff,
        user.is_superuser,
        sorted(user.groups.values_list("name", flat=True)),
        user.user_permissions.count(),
        sorted(user.memberships.values_list("role", flat=True)),
    )


def test_staff_group_holds_no_privilege_permissions(team):
    codenames = set(
        Group.objects.get(name=STAFF_GROUP_NAME)
        .permissions.filter(content_type__app_label__in=["accounts", "auth", "account"])
        .values_list("codename", flat=True)
    )
    assert codenames == {"view_user", "change_user", "view_membership", "view_privacyconsent"}
    assert not team.has_perm("accounts.add_membership")
    assert not team.has_perm("accounts.change_membership")
    assert not team.has_perm("accounts.add_user")
    assert team.has_perm("catalog.change_cohort")


def test_migration_strips_old_staff_group(db):
    group = Group.objects.create(name=STAFF_GROUP_NAME)
    group.permissions.set(Permission.objects.filter(content_type__app_label="accounts"))
    migration = importlib.import_module(
        "kohorte.accounts.migrations.0004_staff_group_without_privileges"
    )
    migration.revoke(django_apps, None)
    assert set(group.permissions.values_list("codename", flat=True)) == {
        "view_user",
        "change_user",
        "view_membership",
        "view_privacyconsent",
    }


def test_staff_cannot_make_themselves_superuser_or_chair(client, team, cohort):
    client.force_login(team)
    before = _privileges(team)
    response = client.post(
        f"/admin/accounts/user/{team.pk}/change/",
        _user_form(team, first_name="Tanja", **_escalation(team, cohort)),
    )
    # The form is accepted for what staff may change (the name) and ignores the rest.
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=team.pk).first_name == "Tanja"
    assert _privileges(team) == before
    assert not AuditLog.objects.filter(action__startswith="accounts.").exists()


def test_staff_cannot_raise_an_applicant(client, team, victim, cohort):
    client.force_login(team)
    before = _privileges(victim)
    response = client.post(
        f"/admin/accounts/user/{victim.pk}/change/",
        _user_form(victim, last_name="Bewerberin", **_escalation(victim, cohort)),
    )
    assert response.status_code == 302
    assert User.objects.get(pk=victim.pk).last_name == "Bewerberin"
    assert _privileges(victim) == before


def test_staff_change_form_shows_privileges_read_only(client, team, victim):
    client.force_login(team)
    body = client.get(f"/admin/accounts/user/{victim.pk}/change/").content.decode()
    assert 'name="first_name"' in body
    for field in ["email", "is_staff", "is_superuser", "groups", "user_permissions"]:
        assert f'name="{field}"' not in body, field
    assert f"/admin/accounts/user/{victim.pk}/password/" not in body
    assert 'name="memberships-0-role"' not in body


def test_staff_cannot_set_a_password(client, team, victim):
    client.force_login(team)
    url = f"/admin/accounts/user/{victim.pk}/password/"
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "usable_password": "true",
            "password1": "Neu-Geheim-2026!",
            "password2": "Neu-Geheim-2026!",
        },
    )
    assert response.status_code == 403
    assert User.objects.get(pk=victim.pk).check_password("alt-passwort-123")
    # Not their own either: the admin is not where passwords change.
    response = client.post(
        f"/admin/accounts/user/{team.pk}/password/",
        {
            "usable_password": "true",
            "password1": "Neu-Geheim-2026!",
            "password2": "Neu-Geheim-2026!",
        },
    )
    assert response.status_code == 403
    assert User.objects.get(pk=team.pk).check_password("team-pass-123")


def test_staff_cannot_touch_another_staff_or_superuser_account(client, team, boss):
    client.force_login(team)
    response = client.post(
        f"/admin/accounts/user/{boss.pk}/change/",
        _user_form(boss, first_name="X", is_active=""),
    )
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.is_active and boss.first_name == ""


def test_staff_cannot_add_change_or_delete_roles(client, team, victim, cohort):
    client.force_login(team)
    own = team.memberships.get()
    response = client.post(
        "/admin/accounts/membership/add/",
        {"user": team.pk, "role": "chair", "cohort": cohort.pk, "program": ""},
    )
    assert response.status_code == 403
    response = client.post(
        f"/admin/accounts/membership/{own.pk}/change/",
        {"user": team.pk, "role": "chair", "cohort": cohort.pk, "program": ""},
    )
    assert response.status_code == 403
    response = client.post(f"/admin/accounts/membership/{own.pk}/delete/", {"post": "yes"})
    assert response.status_code == 403
    response = client.post(
        "/admin/accounts/membership/",
        {"action": "delete_selected", "_selected_action": [own.pk], "post": "yes"},
    )
    assert Membership.objects.filter(pk=own.pk, role="staff").exists()
    assert list(Membership.objects.values_list("user__email", "role")) == [
        ("team@example.org", "staff")
    ]
    # They may still read the roles.
    body = client.get("/admin/accounts/membership/").content.decode()
    assert "team@example.org" in body or "Tina Team" in body


def test_staff_cannot_add_accounts_or_edit_groups(client, team):
    client.force_login(team)
    response = client.post(
        "/admin/accounts/user/add/",
        {"email": "neu@example.org", "password1": "Xy-12345678!", "password2": "Xy-12345678!"},
    )
    assert response.status_code == 403
    group = Group.objects.get(name=STAFF_GROUP_NAME)
    count = group.permissions.count()
    response = client.post(
        f"/admin/auth/group/{group.pk}/change/",
        {
            "name": STAFF_GROUP_NAME,
            "permissions": list(Permission.objects.values_list("pk", flat=True)),
        },
    )
    assert response.status_code == 403
    assert group.permissions.count() == count
    assert not User.objects.filter(email="neu@example.org").exists()


def test_superuser_grants_and_revokes_roles_with_audit(client, boss, victim, cohort):
    client.force_login(boss)
    response = client.post(
        f"/admin/accounts/user/{victim.pk}/change/",
        _user_form(
            victim,
            **{
                "memberships-TOTAL_FORMS": "1",
                "memberships-0-user": str(victim.pk),
                "memberships-0-role": "reviewer",
                "memberships-0-cohort": str(cohort.pk),
                "memberships-0-program": "",
            },
        ),
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user=victim)
    assert (membership.role, membership.cohort_id) == ("reviewer", cohort.pk)
    entry = AuditLog.objects.get(action="accounts.role_granted")
    assert entry.actor == boss and entry.object_id == str(victim.pk)
    assert entry.data == {
        "user": victim.email,
        "role": "reviewer",
        "program": None,
        "cohort": cohort.pk,
    }
    response = client.post(
        "/admin/accounts/membership/add/",
        {"user": victim.pk, "role": "chair", "cohort": cohort.pk, "program": ""},
    )
    assert response.status_code == 302
    chair = Membership.objects.get(user=victim, role="chair")
    response = client.post(
        f"/admin/accounts/membership/{chair.pk}/change/",
        {"user": victim.pk, "role": "lecturer", "cohort": cohort.pk, "program": ""},
    )
    assert response.status_code == 302
    changed = AuditLog.objects.get(action="accounts.role_changed")
    assert (changed.data["before"]["role"], changed.data["after"]["role"]) == ("chair", "lecturer")
    response = client.post(f"/admin/accounts/membership/{chair.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert list(victim.memberships.values_list("role", flat=True)) == ["reviewer"]
    assert list(
        AuditLog.objects.filter(action__startswith="accounts.role").values_list("action", flat=True)
    ) == [
        "accounts.role_revoked",
        "accounts.role_changed",
        "accounts.role_granted",
        "accounts.role_granted",
    ]


def test_superuser_sets_privileges_and_password_with_audit(client, boss, victim):
    client.force_login(boss)
    group = ensure_staff_group()
    response = client.post(
        f"/admin/accounts/user/{victim.pk}/change/",
        _user_form(victim, is_staff="on", groups=[group.pk]),
    )
    assert response.status_code == 302
    victim.refresh_from_db()
    assert victim.is_staff and list(victim.groups.all()) == [group]
    entry = AuditLog.objects.get(action="accounts.privileges_changed")
    assert entry.actor == boss
    assert (entry.data["before"]["is_staff"], entry.data["after"]["is_staff"]) == (False, True)
    assert entry.data["after"]["groups"] == [STAFF_GROUP_NAME]
    response = client.post(
        f"/admin/accounts/user/{victim.pk}/password/",
        {
            "usable_password": "true",
            "password1": "Neu-Geheim-2026!",
            "password2": "Neu-Geheim-2026!",
        },
    )
    assert response.status_code == 302
    assert User.objects.get(pk=victim.pk).check_password("Neu-Geheim-2026!")
    entry = AuditLog.objects.get(action="accounts.password_set_by_admin")
    assert entry.actor == boss and entry.object_id == str(victim.pk)


def test_admin_password_form_reads_german(client, django_user_model):
    """Django's password form in the admin carries an English literal; ours says it in German."""
    user = django_user_model.objects.create_superuser("chef@example.org", "pw")
    client.force_login(user)
    body = client.get(f"/admin/accounts/user/{user.pk}/password/").content.decode()
    assert (
        '<li class="warning">Ist dies deaktiviert, geht das bisherige Passwort dieses Kontos '
        "verloren.</li>" in body
    )
    assert "Anmeldung mit Passwort" in body
    assert "If disabled" not in body and "Whether the user" not in body
