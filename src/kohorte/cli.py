"""The ``kohorte`` command: demo, serve, worker, manage, setup-issuer, check."""

import argparse
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

SETTINGS = "kohorte.config.settings"
REPO_DIR = Path(__file__).resolve().parent.parent.parent


def _env_port(default: int = 8000) -> int:
    try:
        return int(os.environ.get("KOHORTE_PORT", default))
    except ValueError:
        return default


def _setup(env: str | None = None) -> None:
    """Configure Django; print a clear message and exit 2 if the settings are unusable."""
    if env:
        os.environ.setdefault("KOHORTE_ENV", env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from django.core.exceptions import ImproperlyConfigured

    try:
        import django

        django.setup()
    except ImproperlyConfigured as exc:
        sys.exit(f"kohorte: configuration error: {exc}")


def ensure_assets(quiet: bool = False) -> None:
    """Install the pinned front-end packages (npm ci) if they are missing."""
    marker = REPO_DIR / "node_modules" / "@kern-ux" / "native" / "dist" / "kern.min.css"
    htmx = REPO_DIR / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    if marker.exists() and htmx.exists():
        return
    npm = shutil.which("npm")
    if npm is None:
        sys.exit(
            "kohorte: the front-end packages are missing and npm is not installed. "
            "Install Node.js and npm (apt-get install npm), then run this command again."
        )
    if not quiet:
        print("Installing front-end packages (npm ci) …", flush=True)
    subprocess.run(
        [npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=REPO_DIR, check=True
    )


def cmd_demo(args) -> None:
    """Set up and serve the demo. The web server starts as soon as the programme and the
    accounts exist; the applicants and the selection load while it runs (pages say so), and
    the worker starts once everything is loaded."""
    os.environ.setdefault("KOHORTE_ENV", "demo")
    started = time.monotonic()
    ensure_assets()
    data_dir = Path(os.environ.get("KOHORTE_DATA_DIR", "var")).resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    # Links in the demo's mails (referee links, unsubscribe) point at this demo server.
    os.environ.setdefault("KOHORTE_BASE_URL", f"http://{args.host}:{args.port}")
    if args.reset and not os.environ.get("DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            (data_dir / f"kohorte.sqlite3{suffix}").unlink(missing_ok=True)
    host, port = args.host, args.port
    url = f"http://{host}:{port}/"
    env = {**os.environ, "KOHORTE_ENV": "demo", "DJANGO_SETTINGS_MODULE": SETTINGS}
    # The web server starts at once: it imports Django while this process prepares the
    # database and the static files, then builds its application (kohorte.demo.wsgi waits for
    # the "prepared" mark), and serves while this process loads the programme and accounts.
    prepared = data_dir / "demo-prepared"  # kohorte.demo.wsgi.PREPARED_FILE
    prepared.unlink(missing_ok=True)
    web = subprocess.Popen(
        _granian_args(host, port, workers=1, target="kohorte.demo.wsgi:application"), env=env
    )
    processes = [web]
    try:
        _setup("demo")
        from django.core.management import call_command

        if args.reset and os.environ.get("DATABASE_URL"):
            call_command("flush", interactive=False, verbosity=0)
        print("Preparing the database …", flush=True)
        migrate_from_template()
        collect_static_if_changed()
        _setup_demo_issuer()
        from kohorte import demo

        demo.set_loading(True)
        prepared.write_text("")
        logins = demo.load_first()
    except BaseException:
        web.terminate()
        raise
    print("\nDemo logins (e-mail and password):")
    for role, email, password in logins:
        print(f"  {role:<12} {email:<32} {password}")

    def stop(*_):
        for proc in processes:
            if proc.poll() is None:
                proc.terminate()
        for proc in processes:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    try:
        _wait_until_up(f"http://{host}:{port}/healthz", web)
        print(f"\nKohorte demo is running at {url}  (ready in {time.monotonic() - started:.1f} s)")
        print("Loading the applicants and the selection …", flush=True)
        link = demo.load_rest()
        demo.set_loading(False)
        from django.db import connections

        connections.close_all()
        if link:
            print(f"  {'referee link':<12} {link}  (no login: the unanswered request)")
        from kohorte.demo.certificates import demo_verification_url

        if certificate_url := demo_verification_url():
            print(f"  {'certificate':<12} {certificate_url}  (verification page of a valid one)")
        print(f"Demo fully loaded in {time.monotonic() - started:.1f} s.")
        print("Stop it with Ctrl+C.", flush=True)
        processes.append(subprocess.Popen([sys.executable, "-m", "kohorte", "worker"], env=env))
        while all(proc.poll() is None for proc in processes):
            time.sleep(0.5)
        print("kohorte: a demo process stopped; shutting down.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    stop()


def _cache_dir() -> Path:
    """Where the demo keeps what every fresh data folder can reuse (outside the data folder):
    a migrated empty database and the collected static files, each keyed by its sources."""
    if os.environ.get("KOHORTE_CACHE_DIR"):
        return Path(os.environ["KOHORTE_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "kohorte"


def _migrations_digest() -> str:
    """A digest of every migration file of the installed apps, and of the database engine."""
    import hashlib

    import django
    from django.apps import apps

    digest = hashlib.sha256(f"{django.__version__}\0sqlite\n".encode())
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        folder = Path(config.path) / "migrations"
        for path in sorted(folder.glob("*.py")) if folder.is_dir() else []:
            digest.update(f"{config.label}/{path.name}\0".encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:32]


def _publish(source: Path, target: Path, copy) -> None:
    """Copy ``source`` to ``target`` through a temporary name, so that a concurrent reader
    never sees half a file (the first writer wins)."""
    import tempfile

    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".tmp-", dir=target.parent)) / target.name
    copy(source, tmp)
    with contextlib.suppress(OSError):  # another demo published it first
        tmp.rename(target)
    shutil.rmtree(tmp.parent, ignore_errors=True)


def migrate_from_template() -> None:
    """Migrate the database. A fresh SQLite data folder starts from a copy of an empty,
    migrated database (built by the first run, then kept in the cache folder), which takes a
    fraction of a second instead of running every migration."""
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    sqlite = connection.vendor == "sqlite"
    database = Path(settings.DATABASES["default"]["NAME"]) if sqlite else None
    if database is None or database.exists():
        call_command("migrate", interactive=False, verbosity=0)
        return
    connection.close()
    template = _cache_dir() / f"db-{_migrations_digest()}.sqlite3"
    if template.exists():
        shutil.copyfile(template, database)
        return
    call_command("migrate", interactive=False, verbosity=0)
    with connection.cursor() as cursor:  # everything into the main file, none in the WAL
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    _publish(database, template, shutil.copyfile)


def collect_static_if_changed() -> None:
    """Run collectstatic unless the source files are exactly those collected last time; a
    fresh data folder copies the files collected from the same sources before, if any."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    static_root = Path(settings.STATIC_ROOT)
    marker = static_root / ".kohorte-sources"
    if marker.exists() and marker.read_text() == digest.hexdigest():
        return
    cached = _cache_dir() / f"static-{digest.hexdigest()[:32]}"
    if cached.is_dir():
        shutil.copytree(cached, static_root, dirs_exist_ok=True)
    else:
        call_command("collectstatic", interactive=False, verbosity=0)
        marker.write_text(digest.hexdigest())
        _publish(static_root, cached, shutil.copytree)
    marker.write_text(digest.hexdigest())


def _wait_until_up(url: str, proc, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit("kohorte: the web server did not start (see the messages above).")
        try:
            with urllib.request.urlopen(url, timeout=1) as response:  # noqa: S310 (our own URL)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"kohorte: the web server did not answer on {url} within {timeout:.0f} s.")


def _granian_args(
    host: str, port: int, workers: int, target: str = "kohorte.config.wsgi:application"
) -> list[str]:
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        os.environ.get("KOHORTE_WEB_THREADS", "1"),
        "--no-ws",
        target,
    ]


def cmd_serve(args) -> None:
    _setup("production")  # fails loudly here, before any worker starts, without SECRET_KEY
    argv = _granian_args(args.host, args.port, args.workers)
    os.execv(sys.executable, argv)


def cmd_worker(args) -> None:
    _setup()
    from django.core.management import execute_from_command_line

    from kohorte.comms.tasks import enqueue_delivery
    from kohorte.core import schedule

    # After a restart, whatever waited in the outbox goes out first (one task, no chain).
    enqueue_delivery()
    # Periodic jobs (reminders daily, expired offers hourly, mail retries every minute) come
    # from the one schedule in the database: each worker's scheduler thread claims a due job
    # with a lease, so any number of workers runs each job once per period.
    if "--batch" in args.rest:
        schedule.run_due(schedule.worker_id())
    else:
        schedule.SchedulerThread().start()

    execute_from_command_line(["kohorte", "db_worker", *args.rest])


def cmd_manage(args) -> None:
    _setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["kohorte", *args.rest])


def _setup_demo_issuer() -> None:
    """The first demo makes the local CA and issuer key (kept afterwards), unless the
    settings name a key of their own."""
    from django.conf import settings

    from kohorte.core import issuer

    if settings.KOHORTE_ISSUER_PKCS12 or settings.KOHORTE_ISSUER_KEY:
        return
    if not issuer.local_issuer_exists():
        with contextlib.suppress(issuer.IssuerIncomplete):  # setup-issuer --force says why
            issuer.setup_issuer()


def cmd_setup_issuer(args) -> None:
    _setup()
    from django.core.management import call_command

    call_command("setup_issuer", force=args.force)


def cmd_check(args) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", SETTINGS)
    from kohorte.core.checks import run_checks

    sys.exit(0 if run_checks(print) else 1)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="kohorte", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help="set up a demo (database, assets, data) and serve it")
    demo.add_argument("--host", default=os.environ.get("KOHORTE_HOST", "127.0.0.1"))
    demo.add_argument("--port", type=int, default=_env_port())
    demo.add_argument("--reset", action="store_true", help="start from an empty database")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help="run the production web server (granian)")
    serve.add_argument("--host", default=os.environ.get("KOHORTE_HOST", "127.0.0.1"))
    serve.add_argument("--port", type=int, default=_env_port())
    serve.add_argument(
        "--workers", type=int, default=int(os.environ.get("KOHORTE_WEB_WORKERS", "2"))
    )
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help="run the background task worker")
    worker.add_argument("rest", nargs=argparse.REMAINDER)
    worker.set_defaults(func=cmd_worker)

    manage = sub.add_parser("manage", help="run a Django management command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    issuer = sub.add_parser(
        "setup-issuer", help="create the local CA and the key that signs certificates"
    )
    issuer.add_argument("--force", action="store_true", help="replace existing keys")
    issuer.set_defaults(func=cmd_setup_issuer)

    check = sub.add_parser("check", help="check database, migrations, data folder and mail")
    check.set_defaults(func=cmd_check)

    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in {"worker", "manage"}:
        # Everything after the sub-command belongs to Django, options included.
        args = argparse.Namespace(rest=argv[1:])
        (cmd_worker if argv[0] == "worker" else cmd_manage)(args)
        return
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
