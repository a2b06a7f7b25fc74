"""Who a bulk mail goes to. Domain apps register their segments (e.g. "applicants of a cohort
in a state"); comms itself knows only accounts and roles, so it never imports a domain app."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str
    language: str = "de"
    user_id: int | None = None


@dataclass(frozen=True)
class Segment:
    key: str
    label: str
    recipients: Callable[[], Iterable[Recipient]]
    # How many recipients, cheaply (shown beside the label when staff choose); None: not known
    # without listing them.
    count: Callable[[], int] | None = None


_providers: list[Callable[[], Iterable[Segment]]] = []


def register_provider(provider: Callable[[], Iterable[Segment]]) -> None:
    """Add a function that lists segments (called each time staff compose a mail)."""
    _providers.append(provider)


def available_segments() -> dict[str, Segment]:
    segments: dict[str, Segment] = {}
    for provider in _providers:
        for segment in provider():
            segments[segment.key] = segment
    return segments


def _user_recipients(queryset) -> list[Recipient]:
    return [
        Recipient(u.email, u.get_full_name() or u.email, u.preferred_language, u.pk)
        for u in queryset.order_by("last_name", "first_name", "email")
    ]


def _account_segments() -> Iterable[Segment]:
    from kohorte.accounts.models import Membership, User

    active = User.objects.filter(is_active=True)
    yield Segment("accounts:all", _("Alle aktiven Konten"), lambda: _user_recipients(active))
    memberships = (
        Membership.objects.filter(cohort__isnull=False)
        .select_related("cohort")
        .order_by("cohort_id", "role")
    )
    seen = set()
    for membership in memberships:
        key = f"role:{membership.role}:cohort:{membership.cohort_id}"
        if key in seen:
            continue
        seen.add(key)
        role, cohort_id = membership.role, membership.cohort_id
        yield Segment(
            key,
            _("%(role)s im %(cohort)s")
            % {"role": membership.get_role_display(), "cohort": membership.cohort},
            lambda role=role, cohort_id=cohort_id: _user_recipients(
                active.filter(memberships__role=role, memberships__cohort_id=cohort_id).distinct()
            ),
        )


register_provider(_account_segments)
