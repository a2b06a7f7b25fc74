"""The event page (register, cancel, the online link for confirmed registrants), the public's
single-purpose links (confirm the address, cancel) and the archive of past talks."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kohorte.catalog.models import Program
from kohorte.events import queries, services
from kohorte.events.access import get_public_event
from kohorte.events.forms import PublicRegistrationForm
from kohorte.events.models import Registration


def _own(event, user):
    if not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(event=event, user=user, status__in=Registration.ACTIVE)
        .order_by("-pk")
        .first()
    )


def detail(request, uid):
    event = get_public_event(uid)
    conf = services.settings_for(event)
    own = _own(event, request.user)
    kind = services.audience_kind(event, request.user)
    public_form = None
    if request.method == "POST" and not request.user.is_authenticated:
        public_form = PublicRegistrationForm(request.POST)
        if public_form.is_valid():
            try:
                services.register_public(
                    event,
                    name=public_form.cleaned_data["name"],
                    email=public_form.cleaned_data["email"],
                    language=get_language() or "de",
                )
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect(request.path)
            return render(request, "events/check_mail.html", {"event": event})
    context = {
        "event": event,
        "conf": conf,
        "own": own,
        "when": services.event_when(event, get_language() or "de"),
        "past": event.ends_at <= timezone.now(),
        "account_refusal": services.registration_refusal(event, conf, kind) if kind else None,
        "kind": kind,
        "public_refusal": services.registration_refusal(event, conf, Registration.Kind.PUBLIC),
        "public_form": public_form or PublicRegistrationForm(),
        "position": services.waiting_position(own)
        if own and own.status == Registration.Status.WAITING
        else None,
    }
    return render(request, "events/detail.html", context)


@require_POST
def register(request, uid):
    event = get_public_event(uid)
    if not request.user.is_authenticated:
        return redirect("events:detail", uid=uid)
    try:
        registration = services.register_account(event, user=request.user)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        if registration.status == Registration.Status.CONFIRMED:
            messages.success(request, _("Sie sind angemeldet."))
        else:
            messages.info(
                request, _("Die Veranstaltung ist ausgebucht: Sie stehen auf der Warteliste.")
            )
    return redirect("events:detail", uid=uid)


@require_POST
def cancel(request, uid):
    event = get_public_event(uid)
    own = _own(event, request.user)
    if own is not None:
        try:
            services.cancel_registration(own, actor=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("Sie haben sich abgemeldet."))
    return redirect("events:detail", uid=uid)


def _token_page(request, template, context, status=200):
    response = render(request, template, context, status=status)
    response["Referrer-Policy"] = "same-origin"
    return response


def _invalid(request, reason, status):
    return _token_page(request, "events/link_invalid.html", {"reason": reason}, status)


def confirm(request, token):
    """The double opt-in link: GET shows a button (mail scanners must not confirm), POST
    confirms. Unknown, used or expired: one clear page."""
    found = services.find_by_token(token, "confirm_token_hash")
    if found is None:
        return _invalid(request, "unknown", 404)
    if found.status != Registration.Status.PENDING:
        return _invalid(request, "used", 410)
    if found.confirm_expires_at <= timezone.now():
        return _invalid(request, "expired", 410)
    if request.method == "POST":
        try:
            services.confirm_public(found)
        except ValidationError:
            return _invalid(request, "used", 410)
        return _token_page(
            request, "events/confirmed.html", {"registration": found, "event": found.event}
        )
    return _token_page(
        request, "events/confirm.html", {"registration": found, "event": found.event}
    )


def cancel_link(request, token):
    """The public's cancellation link from their mail: GET asks, POST cancels."""
    found = services.find_by_token(token, "cancel_token_hash")
    if found is None:
        return _invalid(request, "unknown", 404)
    context = {"registration": found, "event": found.event}
    if request.method == "POST":
        try:
            services.cancel_registration(found, actor=None)
        except ValidationError:
            return _invalid(request, "used", 410)
        return _token_page(request, "events/cancelled.html", context)
    return _token_page(request, "events/cancel_link.html", context)


def archive(request, program):
    program = get_object_or_404(Program, slug=program)
    events = list(queries.archive(program))
    language = get_language() or "de"
    for event in events:
        event.when = services.event_when(event, language)
    return render(request, "events/archive.html", {"program": program, "events": events})
