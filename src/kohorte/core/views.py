from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.defaults import server_error as django_server_error

from kohorte.core import site
from kohorte.core.pagecache import cached_public_page


@require_safe
@never_cache
def healthz(request):
    """Liveness: the process answers. Touches no database."""
    return HttpResponse("ok", content_type="text/plain")


@require_safe
@never_cache
def readyz(request):
    """Readiness: the database answers."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse("database unavailable", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


@require_safe
def home(request):
    programs = site.published_programs()
    if len(programs) == 1:
        return redirect("catalog:program", program=programs[0].slug)
    return render(request, "core/home.html", {"programs": programs})


def _legal(template):
    @require_safe
    @cached_public_page("catalog")
    def view(request):
        program = site.site_program()
        return render(
            request, template, {"program": program, "operator": settings.KOHORTE_OPERATOR}
        )

    return view


imprint = _legal("core/imprint.html")
privacy = _legal("core/privacy.html")
accessibility = _legal("core/accessibility.html")


def bad_request(request, exception):
    return render(request, "400.html", status=400)


def permission_denied(request, exception):
    return render(request, "403.html", status=403)


def csrf_failure(request, reason=""):
    """A form sent from a page that is too old (or a session that expired): say so kindly."""
    return render(request, "403_csrf.html", status=403)


def page_not_found(request, exception):
    return render(request, "404.html", status=404)


def server_error(request):
    return django_server_error(request, template_name="500.html")
