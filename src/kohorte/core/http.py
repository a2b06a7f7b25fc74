"""HTTP helpers shared by the apps: headers for pages that carry a secret in their URL."""

from functools import wraps

# Pages whose URL holds a secret token (a referee link, an offer link, an unsubscribe link,
# allauth's e-mail confirmation and password-reset links). Their responses must not hand the
# URL on in a Referer header: not to a site a link on the page leads to, and not to our own
# pages either.
TOKEN_URL_NAMES = frozenset(
    {
        "admissions:referee",
        "selection:offer",
        "comms:unsubscribe",
        "account_confirm_email",
        "account_reset_password_from_key",
    }
)

# Not "no-referrer": under that policy a browser sends "Origin: null" with every form POST from
# the page, and Django's CSRF check (rightly) refuses it, so the referee could not upload, the
# offer not be answered, the address not be confirmed. "strict-origin" sends no path, hence no
# token, to anyone: only "https://<host>/", and nothing at all from HTTPS to HTTP.
TOKEN_PAGE_REFERRER_POLICY = "strict-origin"  # noqa: S105 (a header value, not a secret)


def set_token_page_referrer_policy(response):
    response.headers["Referrer-Policy"] = TOKEN_PAGE_REFERRER_POLICY
    return response


def hide_referrer(view):
    """Answer with the token pages' Referrer-Policy (for a view whose URL carries a secret)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        return set_token_page_referrer_policy(view(request, *args, **kwargs))

    return wrapper


class TokenPageReferrerPolicyMiddleware:
    """Apply ``hide_referrer`` to every URL named in ``TOKEN_URL_NAMES``.

    A middleware keyed on the resolved URL name, rather than a decorator on each view, so that
    allauth's views (and their language-prefixed variants) are covered without wrapping them,
    and the apps' views stay untouched. Every other page keeps SecurityMiddleware's
    ``same-origin``.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in TOKEN_URL_NAMES:
            set_token_page_referrer_policy(response)
        return response
