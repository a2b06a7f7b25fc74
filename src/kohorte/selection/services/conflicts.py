"""Conflicts of interest: found by the cohort's rules or declared by a member."""

from django.utils.translation import gettext as _

from kohorte.admissions.models import Application
from kohorte.selection.models import (
    Assignment,
    CommitteeMember,
    Conflict,
)


def _norm(text: str) -> str:
    return " ".join((text or "").casefold().split())


def detect_conflicts(cohort) -> int:
    """Apply the cohort's active rules; record each conflict found. Returns how many are new."""
    kinds = set(cohort.conflict_rules.filter(active=True).values_list("kind", flat=True))
    if not kinds:
        return 0
    members = CommitteeMember.objects.filter(cohort=cohort).select_related("user")
    applications = list(
        Application.objects.filter(cohort=cohort, status=Application.Status.SUBMITTED)
        .select_related("applicant")
        .only("id", "authority", "applicant__email")
    )
    existing = conflict_pairs(cohort)
    new = []
    for member in members:
        own = _norm(member.authority)
        declared = {
            _norm(line) for line in member.declared_authorities.splitlines() if line.strip()
        }
        domain = member.user.email.rsplit("@", 1)[-1].lower()
        for application in applications:
            if (application.pk, member.user_id) in existing:
                continue
            authority = _norm(application.authority)
            reason = None
            if "same_authority" in kinds and own and authority == own:
                reason = _("gleiche Behörde")
            elif "declared_authority" in kinds and authority and authority in declared:
                reason = _("Behörde aus der eigenen Erklärung")
            elif (
                "same_email_domain" in kinds
                and application.applicant.email.rsplit("@", 1)[-1].lower() == domain
            ):
                reason = _("gleiche E-Mail-Domain")
            if reason:
                new.append(
                    Conflict(
                        application=application,
                        reviewer=member.user,
                        source=Conflict.Source.RULE,
                        reason=reason,
                    )
                )
                existing.add((application.pk, member.user_id))
    Conflict.objects.bulk_create(new, ignore_conflicts=True)
    # a conflict found after assignment removes the open assignment
    found = {(c.application_id, c.reviewer_id) for c in new}
    if found:
        open_ = Assignment.objects.filter(
            application__cohort=cohort, review__submitted_at__isnull=True
        ).values_list("pk", "application_id", "reviewer_id")
        Assignment.objects.filter(pk__in=[pk for pk, a, r in open_ if (a, r) in found]).delete()
    return len(new)


def conflict_pairs(cohort) -> set[tuple[int, int]]:
    return set(
        Conflict.objects.filter(application__cohort=cohort).values_list(
            "application_id", "reviewer_id"
        )
    )
