"""Selection demo data: a committee with complete reviews, a proposal and decisions for the
current cohort (one reviewer still has open assignments to try), and the 2024 cohort already
selected, with its participants."""

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from kohorte.admissions.models import Application
from kohorte.demo.catalog import PAST_COHORT
from kohorte.selection import optimiser, services
from kohorte.selection.models import (
    Assignment,
    CommitteeMember,
    Criterion,
    Decision,
    Offer,
    Review,
    Score,
    SelectionSettings,
)
from kohorte.selection.setup import setup_cohort

COMMITTEE = [
    ("kommission1", "Karl", "Kessler", "Bundesministerium des Innern und für Heimat", -0.5),
    ("kommission2", "Lea", "Lorenz", "Senatsverwaltung für Finanzen Berlin", 0.4),
    ("kommission3", "Malik", "Meyer", "Stadt Köln", 0.0),
    ("kommission4", "Nora", "Neumann", "Statistisches Bundesamt", 0.2),
    ("kommission5", "Otto", "Ostermann", "Landesamt für Statistik Sachsen", -0.2),
]
RULES = {
    "level_min": {"bund": 4, "land": 4, "kommune": 4},
    "level_max": {},
    "max_per_authority": 3,
}


def _member(email_local, first, last, authority, cohort, *, is_chair=False, reviews=True):
    from kohorte.accounts.models import User

    email = f"{email_local}@example.org"
    user = User.objects.filter(email__iexact=email).first()
    if user is None:
        user = User(email=email, first_name=first, last_name=last)
        user.set_unusable_password()
        user.save()
    return _seat(cohort, user, is_chair=is_chair, reviews=reviews, authority=authority)


def _seat(cohort, user, **fields):
    """The member's seat (with the roles it grants, through the service), once."""
    member = CommitteeMember.objects.filter(cohort=cohort, user=user).first()
    return member or services.add_committee_member(cohort, user, actor=None, **fields)


def _quality(application, rng) -> float:
    """A synthetic "true" quality: leadership and a little luck."""
    base = 1.6 + 0.45 * (application.leadership_level or 1)
    return max(1.0, min(5.0, base + rng.gauss(0, 0.6)))


def _write_reviews(cohort, assignments, offsets, rng, criteria) -> None:
    quality = {}
    now = timezone.now()
    for assignment in assignments:
        application = assignment.application
        q = quality.setdefault(application.pk, _quality(application, rng))
        values = {
            c.pk: max(
                1, min(5, round(q + offsets.get(assignment.reviewer_id, 0) + rng.gauss(0, 0.5)))
            )
            for c in criteria
        }
        review = Review.objects.create(
            assignment=assignment,
            confidence=rng.choice([2, 2, 3, 1]),
            comment="",
            total=services.weighted_total(values, criteria),
            submitted_at=now - timedelta(hours=rng.randint(1, 72)),
        )
        Score.objects.bulk_create(
            [Score(review=review, criterion=c, value=values[c.pk]) for c in criteria]
        )


def _committee(cohort, chair):
    members = [_member(*row[:4], cohort) for row in COMMITTEE]
    _seat(cohort, chair, is_chair=True, reviews=False)
    return {m.user_id: row[4] for m, row in zip(members, COMMITTEE, strict=True)}


def load_selection_demo(current, reviewer, chair, staff) -> None:
    """Idempotent: does nothing for a cohort that already has a proposal (each cohort is
    loaded in one transaction)."""
    past = current.program.cohorts.get(slug=PAST_COHORT)
    with transaction.atomic():
        if not current.proposals.exists():
            _current(current, reviewer, chair)
    with transaction.atomic():
        if not past.proposals.exists():
            _past(past, chair, staff)


def _current(cohort, reviewer, chair) -> None:
    rng = random.Random(2026)  # noqa: S311 (reproducible demo data)
    setup_cohort(cohort)
    settings_ = SelectionSettings.for_cohort(cohort)
    for key, value in RULES.items():
        setattr(settings_, key, value)
    settings_.save()
    offsets = _committee(cohort, chair)
    services.assign_reviewers(cohort, actor=chair, seed=2026, keep_open=False)
    criteria = list(cohort.criteria.all())
    assignments = Assignment.objects.filter(application__cohort=cohort).select_related(
        "application"
    )
    _write_reviews(cohort, assignments, offsets, rng, criteria)
    # Greta Gutachter joins late as a fourth opinion on a few applications: open to try
    _seat(cohort, reviewer, authority="Bundesamt für Migration und Flüchtlinge")
    services.detect_conflicts(cohort)
    blocked = set(
        reviewer.review_conflicts.filter(application__cohort=cohort).values_list(
            "application_id", flat=True
        )
    )
    for application in services.reviewable(cohort).exclude(pk__in=blocked).order_by("pk")[:6]:
        Assignment.objects.create(
            application=application, reviewer=reviewer, source=Assignment.Source.MANUAL
        )
    proposal = services.propose(cohort, actor=chair, seed=2026)
    services.explain(proposal.pk)
    services.follow_proposal(cohort, actor=chair)
    # one departure, with its reason
    admitted = Decision.objects.filter(
        application__cohort=cohort, is_current=True, outcome=Decision.Outcome.ADMIT
    ).order_by("application_id")
    if admitted.exists():
        services.record_decision(
            admitted.last().application,
            Decision.Outcome.REJECT,
            "Kann laut eigener Mitteilung erst im nächsten Jahrgang teilnehmen und bewirbt "
            "sich dann erneut; der Platz geht an die Warteliste.",
            actor=chair,
        )
    services.prepare_decision_mails(cohort, actor=chair)


def _past(cohort, chair, staff) -> None:
    """The 2024 cohort: applicants, reviews, a proposal, decisions, answered offers."""
    from faker import Faker

    from kohorte.accounts.models import User
    from kohorte.demo.admissions import AUTHORITIES, ai_involvement, job_title

    rng = random.Random(2024)  # noqa: S311 (reproducible demo data)
    fake = Faker("de_DE")
    Faker.seed(2024)
    setup_cohort(cohort)
    settings_ = SelectionSettings.for_cohort(cohort)
    for key, value in RULES.items():
        setattr(settings_, key, value)
    settings_.save()
    submitted_at = timezone.make_aware(
        datetime.combine(cohort.applications_close_at.date(), time(12))
    )
    for index in range(1, 37):
        user = User(
            email=f"jahrgang1-{index:02d}@verwaltung.example",
            first_name=fake.first_name(),
            last_name=fake.last_name(),
        )
        user.set_unusable_password()
        user.save()
        authority, level, kind = rng.choice(AUTHORITIES)
        leadership = rng.choice([2, 3, 3, 4, 5])
        Application.objects.create(
            cohort=cohort,
            applicant=user,
            status=Application.Status.SUBMITTED,
            first_name=user.first_name,
            last_name=user.last_name,
            authority=authority,
            federal_level=level,
            authority_kind=kind,
            job_title=job_title(level, leadership),
            leadership_level=leadership,
            team_size=rng.randint(3, 12) * leadership,
            ai_involvement=ai_involvement(rng),
            gender=rng.choice(["female", "male", "female", "male", "diverse", ""]),
            submitted_at=submitted_at - timedelta(days=rng.randint(0, 30)),
            is_complete=True,
            is_eligible=True,
        )
    offsets = _committee(cohort, chair)
    services.assign_reviewers(cohort, actor=chair, seed=2024, keep_open=False)
    criteria = list(Criterion.objects.filter(cohort=cohort))
    _write_reviews(
        cohort,
        Assignment.objects.filter(application__cohort=cohort).select_related("application"),
        offsets,
        rng,
        criteria,
    )
    proposal = services.propose(cohort, actor=chair, seed=2024)
    services.explain(proposal.pk)
    services.follow_proposal(cohort, actor=chair)
    # everyone offered a place answered long ago: all accept but one, whose place moved on
    admitted = Decision.objects.filter(
        application__cohort=cohort, is_current=True, outcome=Decision.Outcome.ADMIT
    ).select_related("application__applicant", "application__cohort__program")
    answered = cohort.decision_on
    start = timezone.make_aware(datetime.combine(answered, time(9)))
    offers = []
    for decision in admitted.order_by("application_id"):
        offer, _token = services.create_offer(decision.application, actor=chair, start=start)
        offers.append(offer)
    declined = offers[0]
    Offer.objects.filter(pk=declined.pk).update(
        status=Offer.Status.DECLINED, responded_at=start + timedelta(days=3)
    )
    nxt, _dropped = optimiser.next_candidate(cohort)
    if nxt:
        offer, _token = services.offer_replacement(Application.objects.get(pk=nxt), actor=staff)
        Offer.objects.filter(pk=offer.pk).update(
            respond_by=start + timedelta(days=20), created_at=start + timedelta(days=4)
        )
        offers.append(Offer.objects.get(pk=offer.pk))
    # these mails were sent in 2024 (an offer is answered only once its mail is sent); the
    # demo's outbox should not send them now
    from kohorte.comms.models import OutboxMessage

    OutboxMessage.objects.filter(
        event_key="decision.admitted", recipient_email__startswith="jahrgang1-"
    ).update(state="sent", sent_at=start, secrets="")
    for offer in offers[1:]:
        offer.respond_by = max(offer.respond_by, timezone.now() + timedelta(minutes=5))
        offer.save(update_fields=["respond_by"])
        services.respond_to_offer(offer, True)
