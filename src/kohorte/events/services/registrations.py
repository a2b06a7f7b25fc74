"""Registration for a talk or an info session: one place per person, never more places than
the capacity (the event's settings row is locked while a place is given), a waiting list that
moves up in order, double opt-in for the public, cancellation by the registrant."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from kohorte.catalog.models import Event
from kohorte.comms.services import queue_mail
from kohorte.core.audit import log_action
from kohorte.core.tokens import hash_token, new_token, plausible
from kohorte.core.transitions import move
from kohorte.events.models import EventSettings, Registration
from kohorte.teaching.models import Participation

CONFIRM_LINK_HOURS = 48


def _url(name: str, arg, language: str) -> str:
    with override(language):
        path = reverse(name, args=[arg])
    return settings.KOHORTE_BASE_URL.rstrip("/") + path


def event_when(event: Event, language: str = "de") -> str:
    """ "5. März 2027, 12:00–13:00 Uhr" in the reader's language (Europe/Berlin)."""
    start, end = timezone.localtime(event.starts_at), timezone.localtime(event.ends_at)
    with override(language):
        day = formats.date_format(start, "DATE_FORMAT")
        return _("%(day)s, %(start)s–%(end)s Uhr") % {
            "day": day,
            "start": start.strftime("%H:%M"),
            "end": end.strftime("%H:%M"),
        }


def _event_context(registration: Registration) -> dict:
    event, language = registration.event, registration.language
    return {
        "event_title": event.title,
        "event_when": event_when(event, language),
        "event_url": _url("events:detail", event.uid, language),
    }


def settings_for(event: Event) -> EventSettings:
    found = EventSettings.objects.filter(event=event).first()
    return found or EventSettings(event=event)


def audience_kind(event: Event, user) -> str | None:
    """How this account may register: as a participant of a running cohort of the event's
    programme, as an alumna/alumnus (a past cohort), or not at all (None)."""
    if not user.is_authenticated:
        return None
    today = timezone.localdate()
    cohorts = list(
        Participation.objects.filter(user=user, cohort__program_id=event.program_id).values_list(
            "cohort__ends_on", flat=True
        )
    )
    if not cohorts:
        return None
    if any(ends_on >= today for ends_on in cohorts):
        return Registration.Kind.PARTICIPANT
    return Registration.Kind.ALUMNUS


def registration_refusal(event: Event, conf: EventSettings, kind: str) -> str | None:
    """Why nobody of this kind can register now, or None."""
    if not conf.pk or not conf.registration_open:
        return _("Für diese Veranstaltung ist keine Anmeldung möglich.")
    if event.ends_at <= timezone.now():
        return _("Diese Veranstaltung hat bereits stattgefunden.")
    allowed: dict[str, bool] = {
        Registration.Kind.PARTICIPANT: conf.open_to_participants,
        Registration.Kind.ALUMNUS: conf.open_to_alumni,
        Registration.Kind.PUBLIC: conf.open_to_public,
    }
    if not allowed.get(kind):
        return _("Für diese Veranstaltung können Sie sich nicht anmelden.")
    return None


def set_registration_status(
    registration: Registration, new: str, *, action: str, actor, **fields
) -> None:
    """The one door of a registration's status: check the move, save it, audit it."""
    old = move(
        registration,
        "status",
        new,
        Registration.TRANSITIONS,
        _("Diese Anmeldung hat sich inzwischen geändert."),
        **fields,
    )
    log_action(
        action,
        actor=actor,
        target=registration.event,
        data={"registration": registration.pk},
        before={"status": old},
        after={"status": new},
    )


def _lock(event: Event) -> EventSettings:
    """Lock the event's settings row: every place is given while it is held."""
    conf = EventSettings.objects.select_for_update().filter(event=event).first()
    if conf is None:
        raise ValidationError(_("Für diese Veranstaltung ist keine Anmeldung möglich."))
    return conf


def _has_room(event: Event, conf: EventSettings) -> bool:
    taken = Registration.objects.filter(event=event, status=Registration.Status.CONFIRMED).count()
    return taken < conf.capacity


def waiting_position(registration: Registration) -> int:
    return Registration.objects.filter(
        event_id=registration.event_id,
        status=Registration.Status.WAITING,
        queued_at__lte=registration.queued_at,
    ).count()


def _mail_place(registration: Registration, cancel_token: str = "") -> None:
    """The place or the waiting list, with the cancellation link for the public."""
    context = _event_context(registration)
    if cancel_token:
        context["cancel_url"] = _url("events:cancel_link", cancel_token, registration.language)
    if registration.status == Registration.Status.WAITING:
        key = "events.waiting"
        context["position"] = str(waiting_position(registration))
    else:
        key = "events.registered"
    queue_mail(
        key,
        to=registration.email,
        name=registration.name,
        user=registration.user,
        language=registration.language,
        concerning=registration,
        idempotency_key=f"{key}:{registration.pk}",
        context=context,
    )


def register_account(event: Event, *, user) -> Registration:
    """Register a participant or alumna/alumnus with one click: a place if there is room,
    else the end of the waiting list. Mail the outcome."""
    kind = audience_kind(event, user)
    if kind is None:
        raise ValidationError(_("Für diese Veranstaltung können Sie sich nicht anmelden."))
    with transaction.atomic():
        conf = _lock(event)
        refusal = registration_refusal(event, conf, kind)
        if refusal:
            raise ValidationError(refusal)
        # an unconfirmed public registration under this address proves nothing (anyone can
        # type any address): it gives way to the account, whose address is its own
        for claim in Registration.objects.filter(
            event=event, email__iexact=user.email, status=Registration.Status.PENDING
        ):
            set_registration_status(
                claim,
                Registration.Status.CANCELLED,
                action="events.registration_superseded",
                actor=user,
                cancelled_at=timezone.now(),
                confirm_token_hash=None,
            )
        if Registration.objects.filter(
            event=event, email__iexact=user.email, status__in=Registration.ACTIVE
        ).exists():
            raise ValidationError(_("Sie sind für diese Veranstaltung bereits angemeldet."))
        status = (
            Registration.Status.CONFIRMED if _has_room(event, conf) else Registration.Status.WAITING
        )
        registration = Registration.objects.create(
            event=event,
            user=user,
            name=user.get_full_name() or user.email,
            email=user.email,
            language=getattr(user, "preferred_language", "de") or "de",
            kind=kind,
            status=status,
            queued_at=timezone.now(),
        )
        log_action(
            "events.registered",
            actor=user,
            target=event,
            data={"registration": registration.pk, "kind": kind},
            after={"status": status},
        )
        _mail_place(registration)
    return registration


def register_public(event: Event, *, name: str, email: str, language: str = "de"):
    """A member of the public registers: the place counts only once the address is confirmed
    through the link we mail (double opt-in). An address already registered gets no second
    mail (the page says the same either way). Return the registration (or None) and the token."""
    email = email.strip()
    token, token_hash = new_token()
    try:
        with transaction.atomic():
            conf = _lock(event)
            refusal = registration_refusal(event, conf, Registration.Kind.PUBLIC)
            if refusal:
                raise ValidationError(refusal)
            for stale in Registration.objects.filter(
                event=event,
                email__iexact=email,
                status=Registration.Status.PENDING,
                confirm_expires_at__lte=timezone.now(),
            ):
                set_registration_status(
                    stale,
                    Registration.Status.CANCELLED,
                    action="events.registration_expired",
                    actor=None,
                    cancelled_at=timezone.now(),
                    confirm_token_hash=None,
                )
            registration = Registration.objects.create(
                event=event,
                name=name.strip(),
                email=email,
                language=language if language in {"de", "en"} else "de",
                kind=Registration.Kind.PUBLIC,
                status=Registration.Status.PENDING,
                confirm_token_hash=token_hash,
                confirm_expires_at=timezone.now() + timedelta(hours=CONFIRM_LINK_HOURS),
            )
            log_action(
                "events.registration_requested",
                actor=None,
                target=event,
                data={"registration": registration.pk, "kind": registration.kind},
                after={"status": registration.status},
            )
            queue_mail(
                "events.confirm_address",
                to=email,
                name=registration.name,
                language=registration.language,
                concerning=registration,
                idempotency_key=f"events.confirm_address:{registration.pk}",
                context={
                    **_event_context(registration),
                    "confirm_url": _url("events:confirm", token, registration.language),
                    "deadline": formats.date_format(
                        timezone.localtime(registration.confirm_expires_at), "DATETIME_FORMAT"
                    ),
                },
            )
    except IntegrityError:
        return None, ""  # this address is registered already
    return registration, token


def find_by_token(token: str, field: str) -> Registration | None:
    if not plausible(token):
        return None
    return (
        Registration.objects.select_related("event__program")
        .filter(**{field: hash_token(token)})
        .first()
    )


def confirm_public(registration: Registration, *, now=None) -> Registration:
    """Confirm the address (the link's one use): a place if there is room, else the waiting
    list. Mail the outcome with a cancellation link."""
    now = now or timezone.now()
    if registration.status != Registration.Status.PENDING:
        raise ValidationError(_("Dieser Link wurde bereits verwendet."))
    if registration.confirm_expires_at <= now:
        raise ValidationError(_("Dieser Link ist abgelaufen."))
    cancel_token, cancel_hash = new_token()
    with transaction.atomic():
        conf = _lock(registration.event)
        status = (
            Registration.Status.CONFIRMED
            if _has_room(registration.event, conf)
            else Registration.Status.WAITING
        )
        set_registration_status(
            registration,
            status,
            action="events.address_confirmed",
            actor=None,
            queued_at=now,
            cancel_token_hash=cancel_hash,
        )
        _mail_place(registration, cancel_token)
    return registration


def cancel_registration(registration: Registration, *, actor) -> Registration | None:
    """Cancel (by the registrant: their button or their link). A freed place goes to the first
    on the waiting list, who is told by mail. Return who moved up (or None)."""
    with transaction.atomic():
        _lock(registration.event)
        registration.refresh_from_db(fields=["status"])
        had_place = registration.status == Registration.Status.CONFIRMED
        set_registration_status(
            registration,
            Registration.Status.CANCELLED,
            action="events.registration_cancelled",
            actor=actor,
            cancelled_at=timezone.now(),
            confirm_token_hash=None,
            cancel_token_hash=None,
        )
        if not had_place:
            return None
        first = (
            Registration.objects.select_related("event", "user")
            .filter(event_id=registration.event_id, status=Registration.Status.WAITING)
            .order_by("queued_at", "id")
            .first()
        )
        if first is None:
            return None
        set_registration_status(
            first,
            Registration.Status.CONFIRMED,
            action="events.moved_up",
            actor=actor,
        )
        queue_mail(
            "events.moved_up",
            to=first.email,
            name=first.name,
            user=first.user,
            language=first.language,
            concerning=first,
            idempotency_key=f"events.moved_up:{first.pk}",
            context=_event_context(first),
        )
    return first


def save_event_settings(event: Event, *, actor, **values) -> EventSettings:
    """Save what staff set for the event's registration (created on first save)."""
    with transaction.atomic():
        conf, created = EventSettings.objects.select_for_update().get_or_create(event=event)
        before = {k: getattr(conf, k) for k in values}
        for name, value in values.items():
            setattr(conf, name, value)
        conf.full_clean()
        if created:
            conf.save()
        else:
            conf.save(update_fields=list(values))
        changed = {k: v for k, v in values.items() if before[k] != v or created}
        log_action(
            "events.settings_saved",
            actor=actor,
            target=event,
            # never the online link itself in the audit log
            after={k: (bool(v) if k == "online_url" else v) for k, v in changed.items()},
        )
    return conf
