"""A page cache for public pages that stays correct across several web instances.

Anonymous GET requests to a public page are served from a per-process cache. The cache key holds
the content version of the page's area (``ContentVersion``): any edit bumps the version, and
every instance stops serving the old page once it reads the new version. A process reads the
version by primary key at most every ``KOHORTE_PAGE_VERSION_SECONDS`` (default 1 s), so an edit
reaches every instance within that time; the instance that made the edit sees it at once.
Time-dependent text (an application window that opens or closes) is at most
``KOHORTE_PAGE_CACHE_SECONDS`` old.
"""

import hashlib
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache import cache
from django.db.models import F
from django.http import HttpResponse
from django.utils.translation import get_language

from kohorte.core.models import ContentVersion

_versions: dict[str, tuple[float, int]] = {}
_lock = threading.Lock()


def current_version(area: str) -> int:
    ttl = settings.KOHORTE_PAGE_VERSION_SECONDS
    now = time.monotonic()
    known = _versions.get(area)
    if known and now - known[0] < ttl:
        return known[1]
    version = ContentVersion.objects.filter(pk=area).values_list("version", flat=True).first()
    with _lock:
        _versions[area] = (now, version or 0)
    return version or 0


def forget_versions() -> None:
    """Make the next request read the versions from the database (tests, after a rollback)."""
    with _lock:
        _versions.clear()


def bump_version(area: str) -> None:
    """Invalidate every cached page of ``area`` on every instance."""
    if not ContentVersion.objects.filter(pk=area).update(version=F("version") + 1):
        ContentVersion.objects.get_or_create(pk=area, defaults={"version": 1})
    forget_versions()


def cached_public_page(area: str):
    """Cache a view's 200 responses for anonymous visitors, keyed by area version and URL."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method != "GET" or request.user.is_authenticated:
                return view(request, *args, **kwargs)
            path_hash = hashlib.blake2s(request.get_full_path().encode()).hexdigest()
            key = f"page:{area}:{current_version(area)}:{get_language()}:{path_hash}"
            hit = cache.get(key)
            if hit is not None:
                content_type, content = hit
                return HttpResponse(content, content_type=content_type)
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
            if response.status_code == 200 and not response.streaming and not response.cookies:
                cache.set(
                    key,
                    (response["Content-Type"], response.content),
                    settings.KOHORTE_PAGE_CACHE_SECONDS,
                )
            return response

        return wrapper

    return decorator
