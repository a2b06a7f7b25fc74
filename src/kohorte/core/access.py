"""View guards shared by the apps."""

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.http import Http404


def login_and(predicate):
    """Send anonymous visitors to the log-in; answer 404 to anyone ``predicate`` refuses."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise Http404
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
