from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


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
