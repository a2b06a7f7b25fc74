from allauth.account.internal.flows.email_verification import (
    send_verification_email_to_address,
)
from allauth.account.models import EmailAddress
from allauth.core import ratelimit
from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from kohorte.accounts.forms import ResendConfirmationForm


def admin_login(request, extra_context=None):
    """Replace the admin's own log-in form: everyone logs in through allauth.

    The admin's form would check passwords without allauth's rate limits (and, to a logged-in
    applicant, offer a second log-in as someone else). This view never reads a password: it
    sends visitors to allauth's log-in with ``next`` kept, staff on to the admin, and answers
    403 to a logged-in person without access (sending them to the log-in would loop).
    """
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = ""
    next_url = next_url or reverse("admin:index")
    if not request.user.is_authenticated:
        return redirect_to_login(next_url, reverse("account_login"))
    if admin.site.has_permission(request):
        return redirect(next_url)
    raise PermissionDenied


@require_http_methods(["GET", "POST"])
def resend_confirmation(request):
    """„Bestätigungsmail erneut senden“ for someone who cannot log in yet.

    The answer is the same whether or not the address belongs to an unconfirmed account, so the
    page reveals nothing; allauth's limits apply per client and per address (one mail every three
    minutes), and the mail goes through the outbox like every other.
    """
    form = ResendConfirmationForm(request.POST or None)
    sent = False
    if request.method == "POST" and form.is_valid():
        if not ratelimit.consume(request, action="signup"):
            form.add_error(None, _too_many())
        else:
            address = (
                EmailAddress.objects.filter(email__iexact=form.cleaned_data["email"])
                .filter(verified=False, user__is_active=True)
                .select_related("user")
                .first()
            )
            if address is not None:
                send_verification_email_to_address(request, address)
            sent = True
    status = 429 if form.non_field_errors() else 200
    return render(
        request, "account/resend_confirmation.html", {"form": form, "sent": sent}, status=status
    )


def _too_many():
    from django.utils.translation import gettext as _

    return _("Zu viele Versuche. Bitte warten Sie einige Minuten und versuchen Sie es dann erneut.")
