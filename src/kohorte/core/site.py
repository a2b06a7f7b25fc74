"""The programmes the site shows on its home, legal and account pages.

core comes before catalog and does not import it: catalog registers the source of the
published programmes when it is loaded (CatalogConfig.ready()), and core asks here.
"""

from collections.abc import Callable
from typing import Any

# () -> the published programmes ordered by title (a QuerySet, so that .first() is one query)
_published_programs: Callable[[], Any] | None = None


def register_published_programs(source: Callable[[], Any]) -> None:
    global _published_programs
    _published_programs = source


def published_programs() -> list:
    """Every published programme, ordered by title."""
    return list(_published_programs()) if _published_programs is not None else []


def site_program():
    """The programme whose name and design the site-wide pages carry: the first published one."""
    return _published_programs().first() if _published_programs is not None else None
