"""HTTP helpers shared by the apps: headers for pages that carry a secret in their URL."""

from functools import wraps

# Pages whose URL holds a secret token (a referee link, an offer link, an unsubscribe link,
# allauth's e-mail confirmation and password-reset links). Their responses must not hand the
# URL on in a Referer header, not even to our own origin's static files or to a link the
# person follows from the page.
TOKEN_URL_NAMES = frozenset(
    {
        "admissions:referee",
        "selection:offer",
        "comms:unsubscribe",
        "account_confirm_email",
        "account_reset_password_from_key",
    }
)


def set_no_referrer(response):
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


def no_referrer(view):
    """Answer with ``Referrer-Policy: no-referrer`` (for a view whose URL carries a secret)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return set_no_referrer(view(request, *args, **kwargs))

    return wrapper


class TokenPageReferrerPolicyMiddleware:
    """Apply ``no_referrer`` to every URL named in ``TOKEN_URL_NAMES``.

    A middleware keyed on the resolved URL name, rather than a decorator on each view, so that
    allauth's views (and their language-prefixed variants) are covered without wrapping them.
    It sits below SecurityMiddleware, whose ``same-origin`` default then stays untouched.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in TOKEN_URL_NAMES:
            set_no_referrer(response)
        return response
