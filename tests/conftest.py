import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the same
# thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

REPO_DIR = Path(__file__).resolve().parent.parent
SHARED_DIR = REPO_DIR.parent / "shared"


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Content versions restart with every test database; cached pages must not leak across."""
    from kohorte.core.pagecache import forget_versions

    cache.clear()
    forget_versions()
    yield
    cache.clear()
    forget_versions()


@pytest.fixture
def demo_catalog(db):
    """The demo program as `kohorte demo` loads it."""
    from kohorte.catalog.loader import load_catalog

    return load_catalog()


@pytest.fixture
def fixed_today():
    return date(2026, 11, 25)


@pytest.fixture
def staff_user(db, demo_catalog):
    from kohorte.demo import load_demo

    load_demo()
    from kohorte.accounts.models import User

    return User.objects.get(email="programmteam@example.org")


# --- Browser tests: Playwright with Debian's Chromium (never a downloaded browser) -------------
def _chromium() -> str:
    path = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).exists():
        raise RuntimeError(
            "Chromium is not installed: apt-get install -y chromium (browser tests never skip)."
        )
    return path


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": _chromium(),
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "de-DE",
        "timezone_id": "Europe/Berlin",
        "accept_downloads": True,
    }
