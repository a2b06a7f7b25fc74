"""Who may do what in selection. Permissions come from Membership (accounts): a reviewer or
chair role for the cohort; staff of the cohort's program see and steer everything."""

from kohorte.admissions.rules import staff_program_ids


def is_committee(user, cohort) -> bool:
    return (
        user.is_authenticated
        and user.memberships.filter(cohort=cohort, role__in=["reviewer", "chair"]).exists()
    )


def is_chair(user, cohort) -> bool:
    return user.is_authenticated and user.memberships.filter(cohort=cohort, role="chair").exists()


def is_program_staff(user, cohort) -> bool:
    programs = staff_program_ids(user)
    return programs is None or cohort.program_id in programs


def can_steer(user, cohort) -> bool:
    """Chair or program staff: assignment, ranking, optimiser, decisions, offers."""
    return is_chair(user, cohort) or is_program_staff(user, cohort)


def can_decide(user, cohort) -> bool:
    """Decisions are the chair's; a superuser may stand in (recorded by name)."""
    return is_chair(user, cohort) or user.is_superuser


def gender_is_visible(settings_) -> bool:
    """Whether the chair and staff see applicants' gender: only where a gender bound is set
    (applicants consent to its use for the balance of the cohort, nothing else). Reviewers
    never see it (blind.py)."""
    bounds = {**(settings_.gender_min or {}), **(settings_.gender_max or {})}
    return any(v not in (None, "") for v in bounds.values())
