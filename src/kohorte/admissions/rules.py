"""Who may see which applications."""

from django.db.models import Q


def staff_program_ids(user) -> set[int] | None:
    """Programs whose applications this person may see as staff; None means all (superuser)."""
    if not (user.is_authenticated and user.is_active):
        return set()
    if user.is_superuser:
        return None
    return set(
        user.memberships.filter(role="staff", program__isnull=False).values_list(
            "program_id", flat=True
        )
    )


def cohorts_visible_to_staff(user, cohorts):
    programs = staff_program_ids(user)
    return cohorts if programs is None else cohorts.filter(Q(program_id__in=programs))
