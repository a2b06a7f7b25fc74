"""Issue 10 in selection: writes only in services, audited with before and after; GET never
writes; the committee seat and its roles kept in step (also when the admin removes a seat);
the reviewer's CSV export neutralises spreadsheet formulas (core/tables.py)."""

import re

import pytest

from kohorte.accounts.models import Membership
from kohorte.core.models import AuditLog
from kohorte.selection import services
from kohorte.selection.models import CommitteeMember, SelectionSettings

pytestmark = pytest.mark.django_db


def _roles(user, cohort) -> set[str]:
    return set(Membership.objects.filter(user=user, cohort=cohort).values_list("role", flat=True))


def test_a_seat_grants_its_roles_and_removing_it_takes_them_away(committee):
    cohort, chair = committee["cohort"], committee["chair"]
    reviewer = committee["reviewers"][0]
    member = CommitteeMember.objects.get(cohort=cohort, user=reviewer)
    assert _roles(reviewer, cohort) == {"reviewer"}
    member.is_chair = True
    services.save_committee_member(member, actor=chair)
    assert _roles(reviewer, cohort) == {"reviewer", "chair"}
    row = AuditLog.objects.filter(action="selection.member_changed").get()
    assert row.data["before"]["is_chair"] is False and row.data["after"]["is_chair"] is True
    services.remove_committee_member(member, actor=chair)
    assert _roles(reviewer, cohort) == set()
    assert not CommitteeMember.objects.filter(pk=member.pk).exists()
    removed = AuditLog.objects.get(action="selection.member_removed")
    assert removed.actor == chair and removed.data["user"] == reviewer.pk
    assert removed.data["before"]["is_chair"] is True and removed.data["after"] is None


def test_the_admin_adds_and_removes_a_seat_through_the_services(
    committee, client, django_user_model
):
    """The known gap: deleting a seat in the admin left the roles, and the access, behind."""
    cohort = committee["cohort"]
    admin = django_user_model.objects.create_superuser("root@example.org", "pw")
    newcomer = django_user_model.objects.create_user("neu@example.org", "pw", first_name="Nina")
    client.force_login(admin)
    response = client.post(
        "/admin/selection/committeemember/add/",
        {"cohort": cohort.pk, "user": newcomer.pk, "reviews": "on", "authority": "Amt Z"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member = CommitteeMember.objects.get(cohort=cohort, user=newcomer)
    assert _roles(newcomer, cohort) == {"reviewer"}
    assert AuditLog.objects.get(action="selection.member_added", actor=admin).data["user"] == (
        newcomer.pk
    )
    response = client.post(f"/admin/selection/committeemember/{member.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not CommitteeMember.objects.filter(pk=member.pk).exists()
    assert _roles(newcomer, cohort) == set()
    client.force_login(newcomer)
    assert client.get(f"/kommission/{cohort.pk}/").status_code == 404


def test_settings_are_read_without_writing_and_changed_by_a_service(committee, client):
    cohort, chair = committee["cohort"], committee["chair"]
    SelectionSettings.objects.filter(cohort=cohort).delete()
    settings_ = SelectionSettings.for_cohort(cohort)
    assert settings_.pk is None and settings_.reviews_per_application == 3
    client.force_login(chair)
    audit = AuditLog.objects.count()
    for url in ("", "vorschlag/", "rangliste/", "zuverlaessigkeit/", "entscheidungen/"):
        page = client.get(f"/verwaltung/auswahl/{cohort.pk}/{url}")
        assert page.status_code == 200, url
    assert not SelectionSettings.objects.filter(cohort=cohort).exists()  # GET wrote nothing
    assert AuditLog.objects.count() == audit
    services.set_constraints(
        cohort,
        actor=chair,
        values={"seats": 4, "max_per_authority": 2, "level_min": {"bund": 1}},
    )
    stored = SelectionSettings.objects.get(cohort=cohort)
    assert (stored.seats, stored.max_per_authority, stored.level_min) == (4, 2, {"bund": 1})
    row = AuditLog.objects.get(action="selection.constraints_set")
    assert row.actor == chair
    assert row.data["before"]["seats"] is None and row.data["after"]["seats"] == 4
    assert row.data["after"]["level_min"] == {"bund": 1}
    assert row.data["after"]["gender_max"] == {}


def test_the_proposal_form_stores_its_rules_through_the_service(committee, client):
    cohort, chair = committee["cohort"], committee["chair"]
    client.force_login(chair)
    client.post(
        f"/verwaltung/auswahl/{cohort.pk}/vorschlag/",
        {"seats": 5, "max_per_authority": 3, "level_max_bund": 2, "seed": 1},
    )
    stored = SelectionSettings.objects.get(cohort=cohort)
    assert (stored.seats, stored.max_per_authority, stored.level_max) == (5, 3, {"bund": 2})
    row = AuditLog.objects.get(action="selection.constraints_set")
    assert row.data["after"]["seats"] == 5 and row.data["before"]["seats"] != 5


def test_reviewer_export_neutralises_spreadsheet_formulas(committee, client):
    cohort = committee["cohort"]
    criterion = cohort.criteria.first()
    criterion.label = '=HYPERLINK("http://evil.example","klick")'
    criterion.save()
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1, notify=False)
    reviewer = committee["reviewers"][0]
    client.force_login(reviewer)
    response = client.get(f"/kommission/{cohort.pk}/gutachten.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="gutachten-{cohort.slug}.csv"'
    text = response.content.decode("utf-8-sig")
    header = text.splitlines()[0].split(";")
    assert header[0] == "Bewerbung"
    assert header[1] == '"\'=HYPERLINK(""http://evil.example"",""klick"")"'
    assert not any(cell.startswith("=") for line in text.splitlines() for cell in line.split(";"))
    codes = [line.split(";")[0] for line in text.splitlines()[1:]]
    mine = reviewer.review_assignments.filter(application__cohort=cohort).order_by("pk")
    assert codes == [a.code for a in mine] and codes


def _page(response) -> bytes:
    """The page without its per-request tokens (CSRF, CSP nonce) and its own address (the
    language switch links back to it)."""
    path = response.request["PATH_INFO"].encode()
    return re.sub(rb"[A-Za-z0-9+/=_-]{20,}", b"", response.content.replace(path, b"PATH"))


def test_access_helpers_answer_the_same_404_for_missing_and_forbidden(committee, client):
    """selection/access.py: a URL tells nothing about what exists."""
    from kohorte.selection.models import Assignment, Conflict, Proposal

    cohort, chair = committee["cohort"], committee["chair"]
    services.assign_reviewers(cohort, actor=chair, seed=1, notify=False)
    me, other = committee["reviewers"][:2]
    theirs = Assignment.objects.filter(application__cohort=cohort, reviewer=other).first()
    missing = Assignment.objects.order_by("-pk").first().pk + 1000
    client.force_login(me)
    forbidden = client.get(f"/kommission/{cohort.pk}/{theirs.pk}/")
    absent = client.get(f"/kommission/{cohort.pk}/{missing}/")
    assert forbidden.status_code == absent.status_code == 404
    assert _page(forbidden) == _page(absent)
    # a cohort the reviewer is not on, and one that does not exist
    assert _page(client.get("/kommission/999999/")) == _page(
        client.get(f"/kommission/{cohort.pk + 1}/")
    )
    # the chair: an application they are conflicted with reads like one that does not exist
    conflicted = committee["applications"][0]
    Conflict.objects.create(
        application=conflicted, reviewer=chair, source=Conflict.Source.STAFF, reason="Nachbarin"
    )
    client.force_login(chair)
    base = f"/verwaltung/auswahl/{cohort.pk}"
    hidden = client.get(f"{base}/bewerbung/{conflicted.pk}/")
    nowhere = client.get(f"{base}/bewerbung/{missing}/")
    assert hidden.status_code == nowhere.status_code == 404
    assert _page(hidden) == _page(nowhere)
    assert not Proposal.objects.exists()
    assert client.get(f"{base}/vorschlag/1/fortschritt/").status_code == 404
    # a member of staff without the cohort: the same 404 as a cohort that does not exist
    client.force_login(me)
    assert _page(client.get(f"{base}/")) == _page(client.get("/verwaltung/auswahl/999999/"))


def test_a_decision_is_audited_with_the_outcome_before_and_after(committee):
    chair, application = committee["chair"], committee["applications"][0]
    services.record_decision(application, "waitlist", "erst Warteliste", actor=chair)
    services.record_decision(application, "admit", "doch Zusage", actor=chair)
    rows = list(
        AuditLog.objects.filter(action="selection.decided", object_id=str(application.pk))
        .order_by("pk")
        .values_list("data", flat=True)
    )
    assert [(r["before"], r["after"]) for r in rows] == [(None, "waitlist"), ("waitlist", "admit")]
    assert rows[1]["reason"] == "doch Zusage"


def test_the_admin_changes_settings_through_a_service_with_before_and_after(committee, client):
    from django.contrib.auth import get_user_model

    cohort = committee["cohort"]
    stored = SelectionSettings.objects.get(cohort=cohort)
    admin = get_user_model().objects.create_superuser("root@example.org", "pw")
    client.force_login(admin)
    form = client.get(f"/admin/selection/selectionsettings/{stored.pk}/change/")
    assert form.status_code == 200
    data = {
        "cohort": cohort.pk,
        "reviews_per_application": 2,
        "blind_fields": "[]",
        "show_other_reviews": "on",
        "disagreement_threshold": "1.5",
        "shrinkage": "1",
        "offer_days": 10,
        "level_min": "{}",
        "level_max": "{}",
        "gender_min": "{}",
        "gender_max": "{}",
    }
    response = client.post(f"/admin/selection/selectionsettings/{stored.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    row = AuditLog.objects.get(action="selection.settings_changed")
    assert row.actor == admin
    assert row.data["before"]["offer_days"] == 14 and row.data["after"]["offer_days"] == 10
    assert row.data["before"]["reviews_per_application"] == 3
    assert row.data["after"]["reviews_per_application"] == 2
