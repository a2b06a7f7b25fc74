"""The committee and the cohort's selection settings: who sits on the committee (and the roles
that grant access follow the seat), the optimiser's rules, the applications to review."""

from django.db import transaction
from django.forms.models import model_to_dict

from kohorte.accounts.models import Membership
from kohorte.admissions.models import Application
from kohorte.core.audit import log_action
from kohorte.selection.models import CommitteeMember, SelectionSettings

# the fields of a seat that the audit row records (before and after)
MEMBER_FIELDS = ["is_chair", "reviews", "capacity", "authority", "declared_authorities"]
CONSTRAINT_FIELDS = [
    "seats",
    "max_per_authority",
    "level_min",
    "level_max",
    "gender_min",
    "gender_max",
]


def reviewable(cohort):
    """The applications the committee reviews: submitted and meeting the requirements."""
    return Application.objects.filter(
        cohort=cohort, status=Application.Status.SUBMITTED, is_eligible=True
    )


def active_reviewers(cohort) -> list[CommitteeMember]:
    return list(
        CommitteeMember.objects.filter(cohort=cohort, reviews=True, left_at__isnull=True)
        .select_related("user")
        .order_by("user_id")
    )


# --- settings --------------------------------------------------------------------------------
def settings_to_change(cohort) -> SelectionSettings:
    """The cohort's settings row, locked, created with the defaults if missing (inside a
    service's transaction; reading uses ``SelectionSettings.for_cohort``)."""
    SelectionSettings.objects.get_or_create(cohort=cohort)
    return SelectionSettings.objects.select_for_update().get(cohort=cohort)


@transaction.atomic
def set_constraints(cohort, *, actor, values: dict) -> SelectionSettings:
    """The optimiser's rules for the cohort (``values``: seats, max_per_authority and the
    level/gender bounds as dicts). Audited with the rules before and after."""
    settings_ = settings_to_change(cohort)
    before = model_to_dict(settings_, fields=CONSTRAINT_FIELDS)
    for name in CONSTRAINT_FIELDS:
        setattr(settings_, name, values.get(name, {} if name.endswith(("_min", "_max")) else None))
    settings_.save(update_fields=CONSTRAINT_FIELDS)
    log_action(
        "selection.constraints_set",
        actor=actor,
        target=cohort,
        data={"before": before, "after": model_to_dict(settings_, fields=CONSTRAINT_FIELDS)},
    )
    return settings_


SETTINGS_FIELDS = [
    "reviews_per_application",
    "blind_review",
    "blind_fields",
    "show_other_reviews",
    "freeze_after_seeing_others",
    "disagreement_threshold",
    "shrinkage",
    "offer_days",
    "review_deadline",
    *CONSTRAINT_FIELDS,
]


def _settings_dict(settings_: SelectionSettings) -> dict:
    def plain(value):
        # the audit row is JSON: decimals and the deadline as text
        return (
            value
            if value is None or isinstance(value, int | bool | str | list | dict)
            else (value.isoformat() if hasattr(value, "isoformat") else str(value))
        )

    return {k: plain(v) for k, v in model_to_dict(settings_, fields=SETTINGS_FIELDS).items()}


@transaction.atomic
def save_settings(settings_: SelectionSettings, *, actor) -> SelectionSettings:
    """Store the settings as changed in the admin's form. Audited with before and after."""
    old = SelectionSettings.objects.filter(pk=settings_.pk).first() if settings_.pk else None
    before = _settings_dict(old) if old else None
    settings_.save()
    log_action(
        "selection.settings_changed",
        actor=actor,
        target=settings_.cohort,
        data={"before": before, "after": _settings_dict(settings_)},
    )
    return settings_


# --- the committee ---------------------------------------------------------------------------
COMMITTEE_ROLES = ("chair", "reviewer")


def _roles(member: CommitteeMember) -> set[str]:
    """The roles a seat grants: none once the member has left."""
    if member.left_at is not None:
        return set()
    roles = {"chair"} if member.is_chair else set()
    if member.reviews:
        roles.add("reviewer")
    return roles


def sync_roles(member: CommitteeMember) -> list[str]:
    """The roles that grant access (accounts.Membership) follow the committee seat. Returns
    the roles taken away."""
    roles = _roles(member)
    for role in roles:
        Membership.objects.get_or_create(user=member.user, role=role, cohort=member.cohort)
    revoked = Membership.objects.filter(
        user=member.user, cohort=member.cohort, role__in=set(COMMITTEE_ROLES) - roles
    )
    taken = sorted(revoked.values_list("role", flat=True))
    revoked.delete()
    return taken


@transaction.atomic
def save_committee_member(member: CommitteeMember, *, actor) -> CommitteeMember:
    """Store a new or changed seat (the admin's form) and let the roles follow it. Audited
    with the seat before and after."""
    before = None
    if member.pk:
        old = CommitteeMember.objects.filter(pk=member.pk).first()
        before = model_to_dict(old, fields=MEMBER_FIELDS) if old else None
    member.save()
    sync_roles(member)
    log_action(
        "selection.member_added" if before is None else "selection.member_changed",
        actor=actor,
        target=member,
        data={
            "cohort": member.cohort_id,
            "user": member.user_id,
            "before": before,
            "after": model_to_dict(member, fields=MEMBER_FIELDS),
        },
    )
    return member


def add_committee_member(
    cohort, user, *, actor, is_chair=False, reviews=True, authority="", capacity=None
) -> CommitteeMember:
    """Give ``user`` a seat on the cohort's committee, with the roles it grants."""
    member = CommitteeMember(
        cohort=cohort,
        user=user,
        is_chair=is_chair,
        reviews=reviews,
        authority=authority,
        capacity=capacity,
    )
    return save_committee_member(member, actor=actor)


@transaction.atomic
def remove_committee_member(member: CommitteeMember, *, actor) -> None:
    """Take the seat away, and with it the chair and reviewer roles for that cohort. (A member
    who drops out during the selection ``leaves`` instead: their written reviews stay.)"""
    before = model_to_dict(member, fields=MEMBER_FIELDS)
    cohort, user = member.cohort, member.user
    Membership.objects.filter(user=user, cohort=cohort, role__in=["chair", "reviewer"]).delete()
    log_action(
        "selection.member_removed",
        actor=actor,
        target=cohort,
        data={"user": user.pk, "before": before, "after": None},
    )
    member.delete()
