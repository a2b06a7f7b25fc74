from django.conf import settings
from django.urls import Resolver404, resolve, reverse, translate_url
from django.utils.functional import SimpleLazyObject
from django.utils.translation import get_language, override

from kohorte.core.site import site_program


def site(request):
    """Links to this page in the other languages, for the language switch."""
    current = get_language()
    path = request.get_full_path()
    try:
        resolve(request.path_info)
        resolvable = True
    except Resolver404:
        resolvable = False
    links = []
    for code, name in settings.LANGUAGES:
        if code == current:
            continue
        if resolvable:
            url = translate_url(path, code)
        else:
            with override(code):
                url = reverse("home")
        links.append({"code": code, "name": name, "url": url})
    extra = {}
    match = getattr(request, "resolver_match", None)
    if match is not None and (match.url_name or "").startswith("account_"):
        # Sign-up, log-in and the e-mail confirmation carry the programme's name and design.
        extra["program"] = SimpleLazyObject(site_program)
    return {
        **extra,
        "language_links": links,
        "LANGUAGE_CODE": current,
        # the person's roles, for the header links; one query, and only if a page asks
        "nav_roles": SimpleLazyObject(lambda: _roles(request.user)),
    }


def _roles(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    return set(user.memberships.values_list("role", flat=True).distinct())
