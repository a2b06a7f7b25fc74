"""One door per state (issue 10, item 3): every selection model with a state moves only through
its transition function, which refuses every move its table does not allow and writes no
audit row then. Each test tries EVERY illegal pair of states."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kohorte.catalog.models import Cohort
from kohorte.core.models import AuditLog
from kohorte.core.tokens import new_token
from kohorte.selection import services
from kohorte.selection.models import Assignment, Offer, Proposal, Review
from kohorte.selection.setup import setup_cohort
from tests.factories import make_applications

pytestmark = pytest.mark.django_db


def _illegal(table) -> list[tuple[str, str]]:
    return [(old, new) for old in table for new in table if new not in table[old]]


OFFER_ILLEGAL = _illegal(Offer.TRANSITIONS)
PROPOSAL_ILLEGAL = _illegal(Proposal.TRANSITIONS)
REVIEW_ILLEGAL = _illegal(Review.TRANSITIONS)


def test_the_tables_are_complete_and_leave_illegal_moves():
    assert set(Offer.TRANSITIONS) == set(Offer.Status.values)
    assert set(Proposal.TRANSITIONS) == set(Proposal.State.values)
    assert set(Review.TRANSITIONS) == set(Review.State.values)
    assert len(OFFER_ILLEGAL) == 21  # 25 pairs, 4 allowed (pending → any answer)
    assert len(PROPOSAL_ILLEGAL) == 8  # 9 pairs, only solved → explained allowed
    assert REVIEW_ILLEGAL == [("submitted", "draft")]


@pytest.fixture
def one(demo_catalog, django_user_model):
    cohort = Cohort.objects.get(slug="jahrgang-2")
    setup_cohort(cohort)
    (application,) = make_applications(cohort, 1)
    chair = django_user_model.objects.create_user("chair@example.org", "pw", first_name="C")
    return {"cohort": cohort, "application": application, "chair": chair}


def _audit_count():
    return AuditLog.objects.count()


@pytest.mark.parametrize(("old", "new"), OFFER_ILLEGAL)
def test_offer_refuses_every_illegal_transition(one, old, new):
    offer = Offer.objects.create(
        application=one["application"],
        status=old,
        token_hash=new_token()[1],
        respond_by=timezone.now() + timedelta(days=14),
        created_by=one["chair"],
    )
    before = _audit_count()
    with pytest.raises(ValidationError):
        services.set_offer_status(offer, new, actor=one["chair"])
    offer.refresh_from_db()
    assert offer.status == old
    assert _audit_count() == before


def test_an_offer_transition_writes_its_audit_row_with_old_and_new(one):
    offer = Offer.objects.create(
        application=one["application"],
        token_hash=new_token()[1],
        respond_by=timezone.now() + timedelta(days=14),
        created_by=one["chair"],
    )
    services.set_offer_status(offer, Offer.Status.WITHDRAWN, actor=one["chair"], data={"x": 1})
    row = AuditLog.objects.get(action="selection.offer_withdrawn")
    assert row.actor == one["chair"]
    assert row.object_id == str(one["application"].pk)
    assert row.data == {"offer": offer.pk, "status": {"old": "pending", "new": "withdrawn"}, "x": 1}


@pytest.mark.parametrize(("old", "new"), PROPOSAL_ILLEGAL)
def test_proposal_refuses_every_illegal_transition(one, old, new):
    proposal = Proposal.objects.create(
        cohort=one["cohort"], state=old, seed=1, data={}, created_by=one["chair"]
    )
    before = _audit_count()
    with pytest.raises(ValidationError):
        services.set_proposal_state(proposal, new, actor=one["chair"])
    proposal.refresh_from_db()
    assert proposal.state == old
    assert _audit_count() == before


def test_a_proposal_transition_writes_its_audit_row(one):
    proposal = Proposal.objects.create(
        cohort=one["cohort"], state="solved", seed=1, data={}, created_by=one["chair"]
    )
    services.set_proposal_state(proposal, "explained", progress=100)
    proposal.refresh_from_db()
    assert (proposal.state, proposal.progress) == ("explained", 100)
    row = AuditLog.objects.get(action="selection.proposal_explained")
    assert row.data == {"proposal": proposal.pk, "state": {"old": "solved", "new": "explained"}}


@pytest.mark.parametrize(("old", "new"), REVIEW_ILLEGAL)
def test_review_refuses_every_illegal_transition(one, old, new):
    assignment = Assignment.objects.create(application=one["application"], reviewer=one["chair"])
    submitted = old == "submitted"
    review = Review.objects.create(
        assignment=assignment,
        total=3 if submitted else None,
        submitted_at=timezone.now() if submitted else None,
    )
    before = _audit_count()
    with pytest.raises(ValidationError, match="schon abgegeben"):
        services.set_review_state(review, new, actor=one["chair"])
    review.refresh_from_db()
    assert review.state == old
    assert _audit_count() == before
    # the same refusal through the service the reviewer's page uses
    with pytest.raises(ValidationError, match="schon abgegeben"):
        services.save_review(assignment, {}, submit=new == "submitted", actor=one["chair"])
    review.refresh_from_db()
    assert review.state == old
