"""Test-wide setup: a temporary data folder and database per session, hypothesis profiles,
shared fixtures (the SMTP server, browser launch arguments)."""

import os
import random
import shutil
import tempfile
from datetime import date
from pathlib import Path

# --- A fresh data folder per test session -------------------------------------------------------
# Settings read KOHORTE_DATA_DIR once, so it is set here, when pytest imports this conftest and
# before pytest-django loads the settings (the settings module is not named in pyproject.toml
# for that reason). The SQLite test database, uploads ("private"), mail
# files and the secret key all live in it; ./var, the demo's folder, is never touched.
import django
import pytest
from django.conf import settings as django_settings

if django_settings.configured:
    raise pytest.UsageError(
        "The settings were loaded before tests/conftest.py could point KOHORTE_DATA_DIR at a "
        "temporary folder: unset DJANGO_SETTINGS_MODULE (and do not pass --ds); the test "
        "session sets it itself."
    )
TEST_DATA_DIR = Path(tempfile.mkdtemp(prefix="kohorte-test-"))
os.environ["KOHORTE_DATA_DIR"] = str(TEST_DATA_DIR)
os.environ["DJANGO_SETTINGS_MODULE"] = "kohorte.config.settings"
django.setup()  # as pytest-django would; conftests below this folder import models

from django.core.cache import cache  # noqa: E402
from hypothesis import settings as hypothesis_settings  # noqa: E402

# --- Property tests (hypothesis) ---------------------------------------------------------------
# "default": the same examples on every run (reproducible locally). "ci" (chosen when CI=true,
# as in .ci/run): new examples on every run from a seed printed in the report header, so that
# `--hypothesis-seed=N` repeats a CI run; explicit @example cases run in every profile.
# `HYPOTHESIS_PROFILE=explore uv run pytest tests/selection` draws new ones on each local run.
hypothesis_settings.register_profile("default", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.register_profile("ci", derandomize=False, database=None, print_blob=True)
HYPOTHESIS_PROFILE = os.environ.get("HYPOTHESIS_PROFILE") or (
    "ci" if os.environ.get("CI", "").lower() in {"1", "true", "yes"} else "default"
)
hypothesis_settings.load_profile(HYPOTHESIS_PROFILE)


@pytest.hookimpl(tryfirst=True)
def pytest_configure(config):
    if HYPOTHESIS_PROFILE != "default" and config.getoption("hypothesis_seed", None) is None:
        config.option.hypothesis_seed = str(random.SystemRandom().randrange(2**32))


def pytest_report_header(config):
    seed = config.getoption("hypothesis_seed", None)
    how = f"seed {seed} (repeat with --hypothesis-seed={seed})" if seed else "derandomized"
    return [
        f"kohorte data folder: {TEST_DATA_DIR} (removed at the end)",
        f"hypothesis: profile {HYPOTHESIS_PROFILE!r}, {how}",
    ]


def pytest_unconfigure(config):
    shutil.rmtree(TEST_DATA_DIR, ignore_errors=True)


# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the same
# thread are safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@pytest.fixture(autouse=True)
def _fresh_page_cache():
    """Content versions restart with every test database; cached pages must not leak across."""
    from kohorte.catalog.ical import forget_feeds
    from kohorte.core.pagecache import forget_versions

    cache.clear()
    forget_versions()
    forget_feeds()
    yield
    cache.clear()
    forget_versions()
    forget_feeds()


@pytest.fixture(autouse=True)
def _german_after_each_test():
    """A request to an /en/ page leaves English active in the test thread; the next test, in
    whatever order, starts in German again."""
    from django.utils import translation

    yield
    translation.activate("de")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Hashing a password the production way takes about 0.4 s; tests create many accounts."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


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
    """The demo's programme team account with the programme and the other role accounts, but
    without applicants, selection or teaching (loading those costs seconds per test)."""
    from kohorte.demo import load_first

    load_first()
    from kohorte.accounts.models import User

    return User.objects.get(email="programmteam@example.org")


@pytest.fixture
def demo_staff_user(staff_user):
    """The programme team account with the whole demo loaded (applicants, selection, teaching)."""
    from kohorte.demo import load_rest

    load_rest()
    return staff_user


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


# --- A real SMTP server (aiosmtpd) ------------------------------------------------------------
from tests.factories import RecordingHandler, free_port  # noqa: E402


@pytest.fixture
def smtp_port():
    return free_port()


@pytest.fixture
def smtp_server(smtp_port, settings):
    """A real SMTP server on 127.0.0.1; Django's MAILERS point at it."""
    from aiosmtpd.controller import Controller

    from kohorte.core.mailurl import mailers_from_url

    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{smtp_port}?timeout=5", None)
    settings.KOHORTE_MAIL_RETRY_BASE_SECONDS = 0
    yield handler
    controller.stop()


@pytest.fixture
def smtp_down(smtp_port, settings):
    """MAILERS point at a port where nothing listens (connection refused)."""
    from kohorte.core.mailurl import mailers_from_url

    settings.MAILERS = mailers_from_url(f"smtp://127.0.0.1:{smtp_port}?timeout=2", None)
    settings.KOHORTE_MAIL_RETRY_BASE_SECONDS = 0
    return smtp_port


@pytest.fixture
def staff(db, django_user_model):
    return django_user_model.objects.create_user(
        "team@example.org", "x", is_staff=True, first_name="Tina", last_name="Team"
    )
