"""Settings from the environment; production refuses to start without a real secret."""

import os
import subprocess
import sys

import pytest

from kohorte.core.mailurl import MailURLError, parse_smtp_url


def _run(args, **env):
    dropped = {"SECRET_KEY", "KOHORTE_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped}
    full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "kohorte", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key(tmp_path):
    result = _run(["manage", "check"], KOHORTE_ENV="production", KOHORTE_DATA_DIR=str(tmp_path))
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_production_refuses_weak_secret_key(tmp_path):
    result = _run(
        ["manage", "check"],
        KOHORTE_ENV="production",
        SECRET_KEY="django-insecure-x",
        KOHORTE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0 and "too weak" in result.stderr


def test_check_deploy_prints_no_warning_in_production(tmp_path):
    result = _run(
        ["manage", "check", "--deploy", "--fail-level", "WARNING"],
        KOHORTE_ENV="production",
        SECRET_KEY="k" * 20 + "Zq8#x!v0Pl3m" * 5,
        ALLOWED_HOSTS="kohorte.example.org",
        KOHORTE_DATA_DIR=str(tmp_path),
        KOHORTE_SMTP_URL="smtp://mail.example.org:587?starttls=1",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_kohorte_check_fails_before_migrate_and_passes_after(tmp_path):
    env = {"KOHORTE_DATA_DIR": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path}/k.sqlite3"}
    before = _run(["check"], **env)
    assert before.returncode == 1
    assert "migrations not applied" in before.stdout
    assert _run(["manage", "migrate", "-v", "0"], **env).returncode == 0
    after = _run(["check"], **env)
    assert after.returncode == 0, after.stdout
    assert "all migrations applied" in after.stdout and "data folder" in after.stdout
    assert "ok   no certificate issuer: " in after.stdout  # not a failure outside production
    assert _run(["setup-issuer"], **env).returncode == 0
    issued = _run(["check"], **env)
    assert issued.returncode == 0, issued.stdout
    assert "ok   certificate issuer " in issued.stdout and "valid until" in issued.stdout


def test_kohorte_check_reports_unreachable_database(tmp_path):
    result = _run(
        ["check"],
        KOHORTE_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://nobody:x@127.0.0.1:1/none",
    )
    assert result.returncode == 1 and "database not reachable" in result.stdout


def test_bad_smtp_url_is_a_clear_configuration_error(tmp_path):
    result = _run(
        ["manage", "check"], KOHORTE_SMTP_URL="http://mail", KOHORTE_DATA_DIR=str(tmp_path)
    )
    assert result.returncode != 0
    assert "must start with smtp:// or smtps://" in result.stderr


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://mail.example.org",
            {"host": "mail.example.org", "port": 25, "use_ssl": False, "use_tls": False},
        ),
        (
            "smtps://u%40x:p%3Ass@mail:2465",
            {"port": 2465, "use_ssl": True, "username": "u@x", "password": "p:ss"},
        ),
        ("smtp://mail?starttls=1", {"port": 587, "use_tls": True, "use_ssl": False}),
    ],
)
def test_smtp_url_parsing(url, expected):
    options = parse_smtp_url(url)
    assert {k: options[k] for k in expected} == expected


@pytest.mark.parametrize("url", ["smtps://mail?starttls=1", "smtp://", "smtp://mail:99999"])
def test_smtp_url_refused(url):
    with pytest.raises(MailURLError):
        parse_smtp_url(url)


# --- Issue 9, item 12: a secret key of one repeated character --------------------------------
@pytest.mark.parametrize("key", ["a" * 64, "ab" * 40, "abcd" * 20])
def test_production_refuses_secret_key_with_few_distinct_characters(tmp_path, key):
    result = _run(
        ["manage", "check"],
        KOHORTE_ENV="production",
        SECRET_KEY=key,
        ALLOWED_HOSTS="kohorte.example.org",
        KOHORTE_DATA_DIR=str(tmp_path),
    )
    assert result.returncode != 0
    assert (
        f"SECRET_KEY is too weak for production: it has only {len(set(key))} distinct "
        "characters (at least 5 needed)"
    ) in result.stderr


# --- Issue 9, item 4: allauth's trusted proxy count behind the load balancer ------------------
PRINT_PROXY = (
    "from django.conf import settings; "
    "print(getattr(settings, 'ALLAUTH_TRUSTED_PROXY_COUNT', 'unset'), "
    "getattr(settings, 'ALLAUTH_TRUSTED_CLIENT_IP_HEADER', 'unset'))"
)


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({}, "unset unset"),
        ({"KOHORTE_BEHIND_PROXY": "1"}, "1 unset"),
        ({"KOHORTE_BEHIND_PROXY": "1", "KOHORTE_TRUSTED_PROXY_COUNT": "2"}, "2 unset"),
        (
            {"KOHORTE_BEHIND_PROXY": "1", "KOHORTE_TRUSTED_CLIENT_IP_HEADER": "X-Real-IP"},
            "1 X-Real-IP",
        ),
    ],
)
def test_trusted_proxy_settings_follow_the_environment(tmp_path, env, expected):
    result = _run(
        ["manage", "shell", "--no-imports", "-c", PRINT_PROXY],
        KOHORTE_DATA_DIR=str(tmp_path),
        **env,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == expected


def test_trusted_proxy_count_zero_behind_proxy_is_refused(tmp_path):
    result = _run(
        ["manage", "check"],
        KOHORTE_DATA_DIR=str(tmp_path),
        KOHORTE_BEHIND_PROXY="1",
        KOHORTE_TRUSTED_PROXY_COUNT="0",
    )
    assert result.returncode != 0
    assert "KOHORTE_TRUSTED_PROXY_COUNT must be at least 1" in result.stderr
