"""Who may read and send mail in the staff area."""


def can_manage_mail(user) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_staff or user.memberships.filter(role="staff").exists()
