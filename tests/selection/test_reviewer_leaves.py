"""A reviewer who leaves the committee loses access at once (issue 12, item 6): their next
request to the review page, their assignment list and their CSV export is answered exactly as a
stranger's, and the revocation is audited in the same transaction."""

import pytest

from kohorte.accounts.models import Membership
from kohorte.core.models import AuditLog
from kohorte.selection import services
from kohorte.selection.models import Assignment, CommitteeMember

pytestmark = pytest.mark.django_db


def _submit(assignment):
    criteria = list(assignment.application.cohort.criteria.all())
    data = {f"score_{c.pk}": 4 for c in criteria}
    data["confidence"] = 2
    services.save_review(assignment, data, submit=True, actor=assignment.reviewer)


def _urls(cohort, assignment):
    return [
        "/kommission/",
        f"/kommission/{cohort.pk}/",
        f"/kommission/{cohort.pk}/{assignment.pk}/",
        f"/kommission/{cohort.pk}/gutachten.csv",
    ]


def test_reviewer_who_leaves_is_refused_like_a_stranger(client, committee, django_user_model):
    cohort, chair = committee["cohort"], committee["chair"]
    reviewer = committee["reviewers"][0]
    services.assign_reviewers(cohort, actor=chair, seed=4)
    written = Assignment.objects.filter(reviewer=reviewer).order_by("pk").first()
    _submit(written)
    client.force_login(reviewer)
    before = {url: client.get(url).status_code for url in _urls(cohort, written)}
    assert before == dict.fromkeys(_urls(cohort, written), 200)

    member = CommitteeMember.objects.get(cohort=cohort, user=reviewer)
    services.reviewer_leaves(member, actor=chair)

    # the same session, the very next request
    after = {url: client.get(url).status_code for url in _urls(cohort, written)}
    stranger = django_user_model.objects.create_user("fremd@example.org", "pw")
    client.force_login(stranger)
    as_stranger = {url: client.get(url).status_code for url in _urls(cohort, written)}
    assert after == as_stranger == dict.fromkeys(_urls(cohort, written), 404)

    assert not Membership.objects.filter(user=reviewer, cohort=cohort).exists()
    # the written review stays and counts; the open ones went to the others
    assert list(Assignment.objects.filter(reviewer=reviewer).values_list("pk", flat=True)) == [
        written.pk
    ]
    entry = AuditLog.objects.get(action="selection.reviewer_left")
    assert entry.actor == chair
    assert entry.data == {"user": reviewer.pk, "roles_revoked": ["reviewer"]}


def test_chair_who_leaves_loses_both_roles(client, committee):
    cohort, chair = committee["cohort"], committee["chair"]
    member = CommitteeMember.objects.get(cohort=cohort, user=chair)
    member.reviews = True
    services.save_committee_member(member, actor=chair)
    assert set(Membership.objects.filter(user=chair).values_list("role", flat=True)) == {
        "chair",
        "reviewer",
    }
    services.reviewer_leaves(member, actor=chair)
    assert not Membership.objects.filter(user=chair, cohort=cohort).exists()
    client.force_login(chair)
    assert client.get(f"/verwaltung/auswahl/{cohort.pk}/").status_code == 404
    assert client.get(f"/kommission/{cohort.pk}/").status_code == 404
    # editing the seat later (the admin's form) grants nothing back
    member.refresh_from_db()
    services.save_committee_member(member, actor=None)
    assert not Membership.objects.filter(user=chair, cohort=cohort).exists()
