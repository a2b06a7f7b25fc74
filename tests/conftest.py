import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from django.core.cache import cache
from hypothesis import settings as hypothesis_settings

# Property tests (hypothesis) draw the same examples on every run, so that CI is reproducible;
# `HYPOTHESIS_PROFILE=explore uv run pytest tests/selection` draws new ones on each run.
hypothesis_settings.register_profile("default", derandomize=True, database=None)
hypothesis_settings.register_profile("explore", derandomize=False)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

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


# --- A real SMTP server (aiosmtpd) ------------------------------------------------------------
class RecordingHandler:
    """Stores every accepted message; ``reply`` lets a test play a failing server."""

    def __init__(self):
        self.messages = []
        self.reply = "250 Message accepted for delivery"

    async def handle_DATA(self, server, session, envelope):
        if not self.reply.startswith("250"):
            return self.reply
        from email import message_from_bytes, policy

        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return self.reply

    def message_ids(self):
        return [m["Message-ID"] for m in self.messages]


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


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
