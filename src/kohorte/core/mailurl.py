"""Turn ``KOHORTE_SMTP_URL`` into Django 6.1's ``MAILERS`` setting.

No Django imports: settings.py calls this while settings are being read.
"""

from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit


class MailURLError(ValueError):
    """The SMTP URL cannot be used; the message says why."""


def parse_smtp_url(url: str) -> dict:
    """Return the SMTP backend OPTIONS for ``smtp://user:pass@host:port?starttls=1``.

    ``smtps://`` means implicit TLS (port 465 by default); ``?starttls=1`` upgrades a plain
    connection (port 587 by default). Raise MailURLError with a plain reason otherwise.
    """
    parts = urlsplit(url)
    if parts.scheme not in {"smtp", "smtps"}:
        raise MailURLError(f"KOHORTE_SMTP_URL must start with smtp:// or smtps://, not {url!r}.")
    if not parts.hostname:
        raise MailURLError("KOHORTE_SMTP_URL names no host.")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[0].lower() in {"1", "true", "yes", "on"}
    if parts.scheme == "smtps" and starttls:
        raise MailURLError("KOHORTE_SMTP_URL: use smtps:// or ?starttls=1, not both.")
    try:
        port = parts.port
    except ValueError as exc:
        raise MailURLError(f"KOHORTE_SMTP_URL has an invalid port: {exc}.") from exc
    if port is None:
        port = 465 if parts.scheme == "smtps" else (587 if starttls else 25)
    options = {
        "host": parts.hostname,
        "port": port,
        "use_ssl": parts.scheme == "smtps",
        "use_tls": starttls,
        "timeout": int(query.get("timeout", ["10"])[0]),
    }
    if parts.username:
        options["username"] = unquote(parts.username)
        options["password"] = unquote(parts.password or "")
    return options


def mailers_from_url(url: str, spool_dir: Path) -> dict:
    """SMTP when a URL is given; otherwise mail is written to files in ``spool_dir``."""
    if url:
        return {
            "default": {
                "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "OPTIONS": parse_smtp_url(url),
            }
        }
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(spool_dir)},
        }
    }
