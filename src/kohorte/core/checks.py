"""``kohorte check``: is this installation ready to serve? Each check prints one line."""

import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def run_checks(say: Callable[[str], None]) -> bool:
    ok = True

    def report(passed: bool, text: str) -> None:
        nonlocal ok
        ok = ok and passed
        say(f"{'ok  ' if passed else 'FAIL'} {text}")

    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        report(False, f"settings: {exc}")
        return False
    from django.conf import settings
    from django.db import DatabaseError, connection
    from django.db.migrations.executor import MigrationExecutor

    report(True, f"settings load (KOHORTE_ENV={settings.KOHORTE_ENV})")

    data_dir = Path(settings.DATA_DIR)
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".check-"):
            pass
        report(True, f"data folder {data_dir} is writable")
    except OSError as exc:
        report(False, f"data folder {data_dir} is not writable: {exc}")

    try:
        connection.ensure_connection()
        report(True, f"database reachable ({connection.vendor})")
    except DatabaseError as exc:
        report(False, f"database not reachable: {exc}")
        return False

    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        report(False, f"cannot read the migration state: {exc}")
        return False
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        report(
            False, f"{len(plan)} migrations not applied ({names} …): run 'kohorte manage migrate'"
        )
    else:
        report(True, "all migrations applied")

    mailer = settings.MAILERS.get("default", {})
    backend = mailer.get("BACKEND", "")
    if backend.endswith("smtp.EmailBackend"):
        options = mailer.get("OPTIONS", {})
        report(True, f"mail goes out by SMTP via {options.get('host')}:{options.get('port')}")
    else:
        where = mailer.get("OPTIONS", {}).get("file_path", "")
        passed = not settings.PRODUCTION
        report(
            passed,
            f"mail is stored in {where}, not sent"
            + ("" if passed else ": set KOHORTE_SMTP_URL in production"),
        )
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    try:
        validate_email(parseaddr(settings.DEFAULT_FROM_EMAIL)[1])
        report(True, f"sender address {settings.DEFAULT_FROM_EMAIL}")
    except ValidationError:
        report(False, f"KOHORTE_MAIL_FROM is not a valid address: {settings.DEFAULT_FROM_EMAIL!r}")
    _check_issuer(report, production=settings.PRODUCTION)
    if os.environ.get("KOHORTE_ENV") == "production" and not os.environ.get("SECRET_KEY"):
        report(False, "SECRET_KEY is not set")
    return ok


def _check_issuer(report: Callable[[bool, str], None], *, production: bool) -> None:
    """Certificates and transcripts are signed: without an issuer nothing can be issued."""
    import datetime as dt

    from kohorte.core.signing import IssuerNotConfigured, get_signer

    try:
        signer = get_signer(refresh_crl=False)
    except IssuerNotConfigured as exc:
        report(not production, f"no certificate issuer: {exc}")
        return
    cert = signer.pdf_signer().signing_cert
    if cert is None:  # a remote signer may not know its certificate in advance
        report(True, "certificate issuer configured")
        return
    expires = cert["tbs_certificate"]["validity"]["not_after"].native
    days = (expires - dt.datetime.now(dt.UTC)).days
    subject = cert.subject.human_friendly
    if days < 0:
        report(False, f"the issuer certificate ({subject}) expired on {expires:%Y-%m-%d}")
    else:
        report(
            days >= 30,
            f"certificate issuer {subject}, valid until {expires:%Y-%m-%d}"
            + ("" if days >= 30 else f": renew it within {days} days"),
        )
