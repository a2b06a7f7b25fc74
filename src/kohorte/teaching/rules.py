"""Permission predicates of teaching."""

from kohorte.admissions.rules import staff_program_ids


def is_programme_staff(user) -> bool:
    """Staff of at least one programme (or a superuser); views then scope by programme."""
    return staff_program_ids(user) != set()


def is_participant(user) -> bool:
    return user.is_authenticated and user.participations.exists()
