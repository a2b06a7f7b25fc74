"""Reviews: scores, confidence, submission and revision."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from kohorte.core.audit import log_action
from kohorte.selection.models import (
    Assignment,
    Criterion,
    Review,
    Score,
    SelectionSettings,
)


def weighted_total(values: dict[int, int], criteria: list[Criterion]) -> Decimal:
    total_weight = sum(c.weight for c in criteria)
    value = sum(Decimal(values[c.pk]) * c.weight for c in criteria) / total_weight
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def others_visible(assignment: Assignment, settings_: SelectionSettings | None = None) -> bool:
    """Whether the reviewer can see other reviews of this application: their own is submitted,
    the cohort shows the others after one's own, and at least one other is submitted."""
    settings_ = settings_ or SelectionSettings.for_cohort(assignment.application.cohort)
    return (
        settings_.show_other_reviews
        and Review.objects.filter(assignment=assignment, submitted_at__isnull=False).exists()
        and Review.objects.filter(
            assignment__application_id=assignment.application_id, submitted_at__isnull=False
        )
        .exclude(assignment=assignment)
        .exists()
    )


def review_frozen(assignment: Assignment, settings_: SelectionSettings | None = None) -> bool:
    """A review cannot be changed once the others are visible to its author, if the cohort
    says so (``freeze_after_seeing_others``)."""
    settings_ = settings_ or SelectionSettings.for_cohort(assignment.application.cohort)
    return settings_.freeze_after_seeing_others and others_visible(assignment, settings_)


def _points(value) -> str | None:
    return None if value is None else str(value)


@transaction.atomic
def save_review(assignment: Assignment, data: dict, *, submit: bool, actor) -> Review:
    """Store scores, comments and confidence. ``submit`` needs every criterion scored.

    The first submission is audited as ``selection.review_submitted``; every later one (a
    revision) as ``selection.review_revised`` with the old and new total and the old and new
    score of every criterion. Refused once the review is frozen (``review_frozen``)."""
    criteria = list(assignment.application.cohort.criteria.all())
    review, _created = Review.objects.select_for_update().get_or_create(assignment=assignment)
    new_state = Review.State.SUBMITTED if submit else Review.State.DRAFT
    check_review_transition(review, new_state)
    if review.submitted_at and review_frozen(assignment):
        raise ValidationError(
            _(
                "Sie haben die anderen Gutachten zu dieser Bewerbung schon sehen können; nach den "
                "Regeln des Jahrgangs lässt sich Ihr Gutachten nicht mehr ändern."
            )
        )
    revision = review.submitted_at is not None
    before = {s.criterion_id: s.value for s in review.scores.all()} if revision else {}
    old_total, old_confidence, old_comment = review.total, review.confidence, review.comment
    values = {c.pk: data.get(f"score_{c.pk}") for c in criteria}
    if submit:
        errors = {
            f"score_{c.pk}": _("Bitte vergeben Sie für „%(criterion)s“ 1 bis 5 Punkte.")
            % {"criterion": c.label}
            for c in criteria
            if values[c.pk] in (None, "")
        }
        if not data.get("confidence"):
            errors["confidence"] = _("Bitte geben Sie an, wie sicher Sie sich sind.")
        if errors:
            raise ValidationError(errors)
    for c in criteria:
        Score.objects.update_or_create(
            review=review,
            criterion=c,
            defaults={
                "value": values[c.pk] or None,
                "comment": data.get(f"comment_{c.pk}", ""),
            },
        )
    review.confidence = data.get("confidence") or None
    review.comment = data.get("comment", "")
    if submit:
        review.total = weighted_total({k: int(v) for k, v in values.items()}, criteria)
    set_review_state(
        review,
        new_state,
        actor=actor,
        revision={
            "reviewer": assignment.reviewer_id,
            "application": assignment.application_id,
            "total": {"old": _points(old_total), "new": _points(review.total)},
            "scores": {
                c.key: {"old": before.get(c.pk), "new": int(values[c.pk])} for c in criteria
            },
            "confidence": {
                "old": old_confidence,
                "new": int(review.confidence) if review.confidence else None,
            },
            "comment_changed": old_comment != review.comment,
        }
        if revision
        else None,
    )
    return review


def check_review_transition(review: Review, new_state: str) -> None:
    """Refuse a move the table (``Review.TRANSITIONS``) does not allow: a submitted review
    never goes back to a draft."""
    if new_state not in Review.TRANSITIONS[Review.State(review.state)]:
        raise ValidationError(_("Das Gutachten ist schon abgegeben."))


def set_review_state(review: Review, new_state: str, *, actor, revision: dict | None = None):
    """The one door for a review's state: draft → draft (a saved draft), draft → submitted
    (audited ``selection.review_submitted``), submitted → submitted (a revision, audited
    ``selection.review_revised`` with ``revision``: the old and new scores). Saves the review
    with whatever else the caller changed."""
    check_review_transition(review, new_state)
    old_state = review.state
    if new_state == Review.State.SUBMITTED:
        review.submitted_at = review.submitted_at or timezone.now()
    review.save()
    assignment = review.assignment
    if new_state == Review.State.SUBMITTED and old_state == Review.State.DRAFT:
        log_action("selection.review_submitted", actor=actor, target=assignment)
    elif old_state == Review.State.SUBMITTED:
        log_action("selection.review_revised", actor=actor, target=assignment, data=revision)
