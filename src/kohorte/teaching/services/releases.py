"""The employer's release (Freistellung): the participant names the supervisor, who confirms
through a single-purpose link (like a referee: no account, only the token's hash stored, an
expiry, one reminder)."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.formatting import in_language
from kohorte.core.tokens import hash_token, new_token, plausible
from kohorte.core.transitions import move
from kohorte.core.validators import check_contact
from kohorte.teaching.models import Participation, Release

RELEASE_LINK_DAYS = 28
# A request nobody answered is reminded once, this many days after it went out.
RELEASE_REMINDER_DAYS = 7


def release_link(token: str, language: str = "de") -> str:
    with override(language):
        path = reverse("teaching:release", args=[token])
    return settings.KOHORTE_BASE_URL.rstrip("/") + path


def set_release_status(release: Release, new: str, *, action: str, actor, **fields) -> None:
    """The one door of a release's status: check the move, save it, audit it."""
    old = move(
        release,
        "status",
        new,
        Release.TRANSITIONS,
        _("Diese Anfrage zur Freistellung ist nicht mehr offen."),
        **fields,
    )
    log_action(
        action,
        actor=actor,
        target=release.participation,
        data={"release": release.pk},
        before={"status": old},
        after={"status": new},
    )


def request_release(
    participation: Participation, *, name, role, email, actor, language="de"
) -> tuple[Release, str]:
    """Ask the supervisor to confirm the release; an earlier open request is replaced (its link
    stops working). Refused once a release is confirmed. Return the request and the token."""
    check_contact(email=email, required=("name", "role"), name=name, role=role)
    token, token_hash = new_token()
    with transaction.atomic():
        list(Participation.objects.select_for_update().filter(pk=participation.pk).values("pk"))
        if participation.releases.filter(status=Release.Status.CONFIRMED).exists():
            raise ValidationError(_("Ihre Freistellung ist bereits bestätigt."))
        for old in participation.releases.filter(
            status__in=[Release.Status.REQUESTED, Release.Status.REMINDED]
        ):
            set_release_status(
                old, Release.Status.REPLACED, action="teaching.release_replaced", actor=actor
            )
        release = Release.objects.create(
            participation=participation,
            supervisor_name=name.strip(),
            supervisor_role=role.strip(),
            supervisor_email=email.strip(),
            language=language,
            token_hash=token_hash,
            expires_at=timezone.now() + timedelta(days=RELEASE_LINK_DAYS),
        )
        log_action(
            "teaching.release_requested",
            actor=actor,
            target=participation,
            data={"release": release.pk},
            after={"status": release.status},
        )
        _mail_supervisor("teaching.release_requested", release, token)
    return release, token


def _context(release: Release) -> dict:
    participation = release.participation
    cohort = participation.cohort
    return {
        "program_title": cohort.program.title,
        "cohort_name": cohort.name,
        "participant_name": participation.name,
    }


def _mail_supervisor(event_key: str, release: Release, token: str) -> None:
    queue_mail(
        event_key,
        to=release.supervisor_email,
        name=release.supervisor_name,
        language=release.language,
        concerning=release,
        idempotency_key=f"{event_key}:{release.pk}",
        context={
            **_context(release),
            "confirm_url": release_link(token, release.language),
            "deadline": in_language(release.expires_at, release.language),
        },
    )


def remind_supervisor(release: Release, *, actor=None, now=None) -> str:
    """Remind the supervisor once: a new link replaces the old one (tokens are not stored),
    the expiry moves on by the link's lifetime."""
    now = now or timezone.now()
    token, token_hash = new_token()
    with transaction.atomic():
        set_release_status(
            release,
            Release.Status.REMINDED,
            action="teaching.release_reminded",
            actor=actor,
            token_hash=token_hash,
            reminded_at=now,
            expires_at=now + timedelta(days=RELEASE_LINK_DAYS),
        )
        _mail_supervisor("teaching.release_reminder", release, token)
    return token


def send_release_reminders(now=None) -> int:
    """Remind every supervisor who has not answered ``RELEASE_REMINDER_DAYS`` after the
    request (once: a reminded request is never reminded again). Return how many."""
    now = now or timezone.now()
    due = Release.objects.filter(
        status=Release.Status.REQUESTED,
        created_at__lte=now - timedelta(days=RELEASE_REMINDER_DAYS),
        expires_at__gt=now,
    ).select_related("participation__cohort__program", "participation__user")
    count = 0
    for release in due:
        try:
            remind_supervisor(release, now=now)
        except ValidationError:
            continue  # answered or replaced meanwhile
        count += 1
    return count


def find_release(token: str) -> Release | None:
    if not plausible(token):
        return None
    return (
        Release.objects.select_related("participation__cohort__program", "participation__user")
        .filter(token_hash=hash_token(token))
        .first()
    )


def confirm_release(release: Release, *, now=None) -> Release:
    """The supervisor confirms (no account: the actor is the link). Tell the participant."""
    now = now or timezone.now()
    if release.is_open and release.expires_at <= now:
        raise ValidationError(_("Dieser Link ist abgelaufen."))
    with transaction.atomic():
        set_release_status(
            release,
            Release.Status.CONFIRMED,
            action="teaching.release_confirmed",
            actor=None,
            confirmed_at=now,
        )
        user = release.participation.user
        queue_mail(
            "teaching.release_confirmed",
            to=user.email,
            user=user,
            concerning=release,
            context={**_context(release), "supervisor_name": release.supervisor_name},
        )
    return release


def decline_release(release: Release, *, reason: str = "", now=None) -> Release:
    """The supervisor declines (no account: the actor is the link), optionally with a reason.
    The link is used up; tell the participant, who can name a supervisor again."""
    now = now or timezone.now()
    if release.is_open and release.expires_at <= now:
        raise ValidationError(_("Dieser Link ist abgelaufen."))
    reason = (reason or "").strip()
    with transaction.atomic():
        set_release_status(
            release,
            Release.Status.DECLINED,
            action="teaching.release_declined",
            actor=None,
            declined_at=now,
            decline_reason=reason,
        )
        user = release.participation.user
        queue_mail(
            "teaching.release_declined",
            to=user.email,
            user=user,
            concerning=release,
            context={
                **_context(release),
                "supervisor_name": release.supervisor_name,
                "reason": reason,
            },
        )
    return release
