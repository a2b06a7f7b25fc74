from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from kohorte.admissions.rules import staff_program_ids
from kohorte.backoffice.queries import EXPIRING_DAYS, tasks_for
from kohorte.core.access import login_and

staff_view = login_and(lambda user: staff_program_ids(user) != set())


@never_cache
@require_safe
@staff_view
def home(request):
    """The staff start page: the tasks of the day, and the way to every staff area."""
    return render(
        request,
        "backoffice/home.html",
        {"tasks": tasks_for(request.user), "expiring_days": EXPIRING_DAYS},
    )
