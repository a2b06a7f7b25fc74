"""Who reviews which application: the assignment (engine.assignment), leaving, moving,
declaring authorities and conflicts."""

import random
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.comms import services as mail
from kohorte.core.audit import log_action
from kohorte.selection.engine import assignment as engine_assignment
from kohorte.selection.models import (
    Assignment,
    CommitteeMember,
    Conflict,
    ConflictRule,
    SelectionSettings,
)
from kohorte.selection.services.committee import (
    active_reviewers,
    reviewable,
    settings_to_change,
    sync_roles,
)
from kohorte.selection.services.conflicts import conflict_pairs, detect_conflicts


def _problem(cohort, *, seed: int, keep_open: bool, settings_=None):
    settings_ = settings_ or SelectionSettings.for_cohort(cohort)
    members = active_reviewers(cohort)
    active_ids = {m.user_id for m in members}
    app_ids = list(reviewable(cohort).order_by("id").values_list("id", flat=True))
    existing = Assignment.objects.filter(application__cohort=cohort).values_list(
        "application_id", "reviewer_id", "review__id"
    )
    # written (or started) reviews are kept, also of reviewers who left; open assignments of
    # active reviewers are kept when only the gaps are to be filled
    fixed = {
        (a, r)
        for a, r, review_id in existing
        if review_id is not None or (keep_open and r in active_ids)
    }
    capacity = (
        {m.user_id: m.capacity or 1 for m in members} if any(m.capacity for m in members) else {}
    )
    problem = engine_assignment.Problem(
        applications=app_ids,
        reviewers=[m.user_id for m in members],
        per_application=settings_.reviews_per_application,
        capacity=capacity,
        conflicts=conflict_pairs(cohort),
        fixed=fixed,
        seed=seed,
    )
    return problem, settings_


def precheck(cohort) -> dict[int, int]:
    """Applications with too few reviewers free of conflict: application id -> how many."""
    problem, _settings = _problem(cohort, seed=0, keep_open=True)
    return engine_assignment.precheck(problem)


@transaction.atomic
def assign_reviewers(
    cohort, *, actor, seed: int | None = None, keep_open: bool = True, notify: bool = True
):
    """Assign reviewers (engine.assignment). ``keep_open=False`` recomputes every assignment
    that has no review yet; ``True`` keeps them and only fills the gaps (after someone left).
    Written reviews are always kept. The seed is recorded."""
    seed = seed if seed is not None else secrets.randbelow(10**6)
    detect_conflicts(cohort)
    problem, settings_ = _problem(
        cohort, seed=seed, keep_open=keep_open, settings_=settings_to_change(cohort)
    )
    plan = engine_assignment.assign(problem)
    wanted = plan.pairs | problem.fixed
    current = dict(
        ((a, r), pk)
        for pk, a, r in Assignment.objects.filter(application__cohort=cohort).values_list(
            "pk", "application_id", "reviewer_id"
        )
    )
    Assignment.objects.filter(
        pk__in=[pk for pair, pk in current.items() if pair not in wanted], review__isnull=True
    ).delete()
    Assignment.objects.bulk_create(
        [Assignment(application_id=a, reviewer_id=r) for a, r in sorted(wanted - set(current))],
        batch_size=1000,
    )
    settings_.assignment_seed = seed
    settings_.save(update_fields=["assignment_seed"])
    log_action(
        "selection.assigned",
        actor=actor,
        target=cohort,
        data={
            "seed": seed,
            "keep_open": keep_open,
            "assignments": len(wanted),
            "short": {str(k): v for k, v in plan.short.items()},
            "connected": plan.connected,
        },
    )
    if notify:
        _notify_reviewers(cohort)
    return plan


def _notify_reviewers(cohort) -> None:
    """One mail per reviewer with open reviews: a count and a link, never a name."""
    base = settings.KOHORTE_BASE_URL.rstrip("/")
    open_counts = (
        Assignment.objects.filter(application__cohort=cohort)
        .filter(Q(review__isnull=True) | Q(review__submitted_at__isnull=True))
        .values("reviewer")
        .annotate(n=Count("id"))
    )
    counts = {row["reviewer"]: row["n"] for row in open_counts}
    stamp = timezone.now().strftime("%Y%m%d%H%M")
    for member in active_reviewers(cohort):
        if not counts.get(member.user_id):
            continue
        with override(member.user.preferred_language):
            url = base + reverse("selection:reviewer_home", args=[cohort.pk])
        mail.queue_mail(
            "selection.assigned",
            to=member.user.email,
            user=member.user,
            context={
                "program_title": cohort.program.title,
                "cohort_name": cohort.name,
                "count": str(counts[member.user_id]),
                "review_url": url,
            },
            idempotency_key=f"selection.assigned:{cohort.pk}:{member.user_id}:{stamp}",
        )


@transaction.atomic
def reviewer_leaves(member: CommitteeMember, *, actor):
    """A reviewer drops out: their reviewer (and chair) roles for the cohort end at once, so
    their next request to any committee page is refused; open assignments go to the others,
    written reviews stay (they count, but their author no longer reaches them)."""
    member.left_at = timezone.now()
    member.save(update_fields=["left_at"])
    revoked = sync_roles(member)
    Assignment.objects.filter(
        application__cohort=member.cohort, reviewer=member.user, review__isnull=True
    ).delete()
    log_action(
        "selection.reviewer_left",
        actor=actor,
        target=member,
        data={"user": member.user_id, "roles_revoked": revoked},
    )
    return assign_reviewers(member.cohort, actor=actor, keep_open=True)


@transaction.atomic
def declare_authorities(member: CommitteeMember, text: str, *, actor) -> int:
    """A member declares in advance the authorities they are conflicted with (one per line).
    Conflicts are found at once; open assignments that now conflict go to others."""
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    before = member.declared_authorities
    member.declared_authorities = "\n".join(lines)[:5000]
    member.save(update_fields=["declared_authorities"])
    ConflictRule.objects.get_or_create(
        cohort=member.cohort, kind=ConflictRule.Kind.DECLARED_AUTHORITY
    )
    found = detect_conflicts(member.cohort)
    log_action(
        "selection.authorities_declared",
        actor=actor,
        target=member,
        data={"before": before, "after": member.declared_authorities},
    )
    if found and Assignment.objects.filter(application__cohort=member.cohort).exists():
        assign_reviewers(member.cohort, actor=actor, keep_open=True, notify=False)
    return found


@transaction.atomic
def move_assignment(assignment: Assignment, reviewer, *, actor) -> Assignment:
    """Give one assignment to another reviewer by hand (only before a review is started)."""
    if hasattr(assignment, "review"):
        raise ValidationError(_("Zu dieser Zuteilung gibt es schon ein Gutachten."))
    cohort = assignment.application.cohort
    if not CommitteeMember.objects.filter(
        cohort=cohort, user=reviewer, reviews=True, left_at__isnull=True
    ).exists():
        raise ValidationError({"reviewer": _("Diese Person begutachtet in diesem Jahrgang nicht.")})
    if Conflict.objects.filter(application=assignment.application, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("Diese Person ist bei dieser Bewerbung befangen.")})
    if Assignment.objects.filter(application=assignment.application, reviewer=reviewer).exists():
        raise ValidationError({"reviewer": _("Diese Person begutachtet die Bewerbung schon.")})
    old = assignment.reviewer
    assignment.reviewer, assignment.source = reviewer, Assignment.Source.MANUAL
    assignment.save(update_fields=["reviewer", "source"])
    log_action(
        "selection.assignment_moved",
        actor=actor,
        target=assignment,
        data={"from": old.pk, "to": reviewer.pk},
    )
    return assignment


@transaction.atomic
def declare_conflict(assignment: Assignment, reason: str, *, actor) -> Assignment | None:
    """The reviewer declares a conflict: the assignment goes to the least-loaded free reviewer."""
    if getattr(assignment, "review", None) and assignment.review.submitted_at:
        raise ValidationError(_("Das Gutachten ist schon abgegeben."))
    application = assignment.application
    Conflict.objects.get_or_create(
        application=application,
        reviewer=assignment.reviewer,
        defaults={"source": Conflict.Source.DECLARED, "reason": reason[:300]},
    )
    assignment.delete()
    log_action("selection.conflict_declared", actor=actor, target=application)
    cohort = application.cohort
    taken = set(application.assignments.values_list("reviewer_id", flat=True))
    blocked = set(application.conflicts.values_list("reviewer_id", flat=True))
    loads = dict(
        Assignment.objects.filter(application__cohort=cohort)
        .values_list("reviewer")
        .annotate(n=Count("id"))
    )
    free = [m.user for m in active_reviewers(cohort) if m.user_id not in taken | blocked]
    if not free:
        return None
    rng = random.Random(application.pk)  # noqa: S311 (a tie-break, not a secret)
    free.sort(key=lambda u: (loads.get(u.pk, 0), rng.random()))
    return Assignment.objects.create(application=application, reviewer=free[0])
