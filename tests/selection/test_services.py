"""Selection services on a real database: conflicts, assignment, reviews, decisions, offers."""

import pytest
from django.core import mail as _mail  # noqa: F401 (outbox is ours; kept for clarity)
from django.core.exceptions import ValidationError

from kohorte.comms import delivery
from kohorte.comms import services as mail_services
from kohorte.comms.models import Batch, OutboxMessage
from kohorte.selection import optimiser, services
from kohorte.selection.models import Assignment, Conflict, Decision, Offer, Proposal
from kohorte.teaching.models import Participation
from tests.factories import review_all

pytestmark = pytest.mark.django_db


def test_rules_find_conflicts_and_assignment_respects_them(committee):
    cohort = committee["cohort"]
    plan = services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    conflicts = set(Conflict.objects.values_list("application_id", "reviewer_id"))
    # reviewer0 works at the Federal Ministry of Finance, so do two applicants
    same = {
        (a.pk, committee["reviewers"][0].pk)
        for a in committee["applications"]
        if a.authority == "Bundesministerium der Finanzen"
    }
    assert same and same <= conflicts
    pairs = set(Assignment.objects.values_list("application_id", "reviewer_id"))
    assert not pairs & conflicts
    loads = [Assignment.objects.filter(reviewer=r).count() for r in committee["reviewers"]]
    assert sum(loads) == 12 * 3 and max(loads) - min(loads) <= 1
    assert plan.connected
    # every reviewer got one mail with a count and a link, never a name
    mails = OutboxMessage.objects.filter(event_key="selection.assigned")
    assert mails.count() == 5
    for m in mails:
        assert "Nachname" not in m.body_text and "/kommission/" in m.body_text


def test_declared_conflict_moves_the_assignment(committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    assignment = Assignment.objects.filter(reviewer=committee["reviewers"][3]).first()
    application = assignment.application
    new = services.declare_conflict(assignment, "kenne die Person", actor=assignment.reviewer)
    assert new is not None and new.reviewer != committee["reviewers"][3]
    assert application.assignments.count() == 3
    assert Conflict.objects.filter(
        application=application, reviewer=committee["reviewers"][3], source="declared"
    ).exists()


def test_reviewer_leaves_written_reviews_stay(committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    leaver = committee["reviewers"][3]
    written = Assignment.objects.filter(reviewer=leaver).first()
    criteria = list(cohort.criteria.all())
    services.save_review(
        written,
        {**{f"score_{c.pk}": 3 for c in criteria}, "confidence": 2},
        submit=True,
        actor=leaver,
    )
    member = cohort.committee.get(user=leaver)
    services.reviewer_leaves(member, actor=committee["chair"])
    assert list(Assignment.objects.filter(reviewer=leaver)) == [written]
    for application in committee["applications"]:
        assert application.assignments.count() == 3, application
    loads = [
        Assignment.objects.filter(reviewer=r).count() for r in committee["reviewers"] if r != leaver
    ]
    assert max(loads) - min(loads) <= 1


def test_review_needs_every_criterion_to_submit(committee):
    cohort = committee["cohort"]
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    a = Assignment.objects.first()
    criteria = list(cohort.criteria.all())
    draft = services.save_review(a, {f"score_{criteria[0].pk}": 4}, submit=False, actor=a.reviewer)
    assert draft.submitted_at is None
    with pytest.raises(ValidationError) as error:
        services.save_review(a, {f"score_{criteria[0].pk}": 4}, submit=True, actor=a.reviewer)
    assert f"score_{criteria[1].pk}" in error.value.message_dict
    assert "confidence" in error.value.message_dict
    data = {f"score_{c.pk}": 5 for c in criteria} | {f"score_{criteria[3].pk}": 1}
    review = services.save_review(a, {**data, "confidence": 3}, submit=True, actor=a.reviewer)
    # weights 1, 1, 1, 0.5: (5 + 5 + 5 + 0.5 * 1) / 3.5
    assert float(review.total) == pytest.approx(4.43, abs=0.005)


def _decide_and_offer(committee):
    cohort = committee["cohort"]
    settings_ = cohort.selection_settings
    settings_.seats = 4
    settings_.level_min = {"kommune": 2}
    settings_.save()
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    review_all(cohort)
    proposal = services.propose(cohort, actor=committee["chair"], seed=3)
    assert proposal.state == Proposal.State.SOLVED
    services.explain(proposal.pk)
    proposal.refresh_from_db()
    assert proposal.state == Proposal.State.EXPLAINED and proposal.progress == 100
    assert set(proposal.data["result"]["explanations"]) == {
        r["id"] for r in proposal.data["applicants"]
    }
    services.follow_proposal(cohort, actor=committee["chair"])
    return cohort, proposal


def _release_and_deliver(batch, actor):
    """The chair releases the decision mails and the worker sends them (an offer is answered
    only once its mail is out)."""
    mail_services.release_batch(batch, actor=actor)
    delivery.deliver_due()


def test_decisions_offers_and_the_waitlist(committee, smtp_server):
    cohort, _proposal = _decide_and_offer(committee)
    chair = committee["chair"]
    admitted = Decision.objects.filter(outcome="admit", is_current=True)
    assert admitted.count() == 4
    # departing needs a reason
    one = Decision.objects.filter(outcome="waitlist", is_current=True).first().application
    with pytest.raises(ValidationError):
        services.record_decision(one, "reject", "", actor=chair)
    services.record_decision(one, "reject", "Zweitbewerbung", actor=chair)
    assert Decision.objects.get(application=one, is_current=True).departs
    batch = services.prepare_decision_mails(cohort, actor=chair)
    assert batch.state == Batch.State.SCHEDULED and batch.recipient_count == 12
    assert set(batch.messages.values_list("state", flat=True)) == {"held"}
    assert Offer.objects.filter(status="pending").count() == 4
    _release_and_deliver(batch, chair)
    # a Kommune participant declines: the next Kommune applicant is proposed (the quota)
    kommune = [
        o
        for o in Offer.objects.select_related("application")
        if o.application.federal_level == "kommune"
    ]
    services.respond_to_offer(kommune[0], accept=False)
    nxt, dropped = optimiser.next_candidate(cohort)
    from kohorte.admissions.models import Application

    assert Application.objects.get(pk=nxt).federal_level == "kommune" and not dropped
    offer, token = services.offer_replacement(Application.objects.get(pk=nxt), actor=chair)
    message = OutboxMessage.objects.get(object_id=str(offer.pk), event_key="decision.admitted")
    assert message.state == "queued" and token not in message.body_text
    delivery.deliver_due()
    assert token in smtp_server.messages[-1].get_content()
    services.respond_to_offer(services.find_offer(token), accept=True)
    assert Participation.objects.filter(application_id=nxt, cohort=cohort).exists()
    with pytest.raises(ValidationError):
        services.respond_to_offer(offer, accept=False)  # answered already


def test_expired_offers(committee):
    from datetime import timedelta

    from django.utils import timezone

    cohort, _ = _decide_and_offer(committee)
    services.prepare_decision_mails(cohort, actor=committee["chair"])
    assert services.expire_offers(now=timezone.now() + timedelta(days=400)) == 4
    assert optimiser.next_candidate(cohort)[0] is not None


def test_infeasible_rules_give_a_clear_answer(committee):
    cohort = committee["cohort"]
    settings_ = cohort.selection_settings
    settings_.seats = 3
    settings_.level_min = {"bund": 2, "land": 2}
    settings_.save()
    services.assign_reviewers(cohort, actor=committee["chair"], seed=1)
    review_all(cohort)
    proposal = services.propose(cohort, actor=committee["chair"])
    assert proposal.state == Proposal.State.INFEASIBLE
    assert set(proposal.data["result"]["conflicts"]) == {
        "seats",
        "level_min:bund",
        "level_min:land",
    }


def test_conflicted_chair_cannot_decide(committee):
    _cohort, _ = _decide_and_offer(committee)
    application = committee["applications"][0]
    Conflict.objects.create(
        application=application, reviewer=committee["chair"], source="declared", reason="x"
    )
    with pytest.raises(ValidationError):
        services.record_decision(application, "reject", "x", actor=committee["chair"])


def test_export_command_writes_the_documented_format(committee, tmp_path):
    import json

    from django.core.management import call_command

    cohort, _proposal = _decide_and_offer(committee)
    out = tmp_path / "selection.json"
    call_command("export_selection", cohort.slug, "--output", str(out))
    data = json.loads(out.read_text())
    assert data["cohort"] == cohort.slug and data["seats"] == 4
    assert set(data["constraints"]) >= {
        "level_min",
        "level_max",
        "max_per_authority",
        "gender_min",
        "gender_max",
    }
    first = data["applicants"][0]
    assert set(first) >= {"id", "score", "level", "authority", "gender", "eligible", "lock"}
    result = data["result"]
    assert set(result) >= {"selected", "objective", "binding", "explanations"}
    # anyone can re-check: the selected applicants' scores add up to the objective
    scores = {a["id"]: a["score"] for a in data["applicants"]}
    assert round(sum(scores[i] for i in result["selected"]), 2) == result["objective"]


def test_answer_after_the_deadline_marks_the_offer_expired(committee, smtp_server):
    from datetime import timedelta

    from django.utils import timezone

    cohort, _ = _decide_and_offer(committee)
    batch = services.prepare_decision_mails(cohort, actor=committee["chair"])
    _release_and_deliver(batch, committee["chair"])
    offer = Offer.objects.first()
    with pytest.raises(ValidationError):
        services.respond_to_offer(offer, True, now=timezone.now() + timedelta(days=400))
    offer.refresh_from_db()
    assert offer.status == "expired"
    assert not Participation.objects.filter(application=offer.application).exists()
