"""The ``kohorte`` command: demo, serve, worker, manage, check."""

import argparse
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
    _setup("demo")
    from django.core.management import call_command

    if args.reset and os.environ.get("DATABASE_URL"):
        call_command("flush", interactive=False, verbosity=0)
    print("Preparing the database …", flush=True)
    call_command("migrate", interactive=False, verbosity=0)
    collect_static_if_changed()
    from kohorte.demo import load_demo

    logins = load_demo()
    host, port = args.host, args.port
    url = f"http://{host}:{port}/"
    print("\nDemo logins (e-mail and password):")
    for role, email, password in logins:
        print(f"  {role:<12} {email:<32} {password}")
    env = {**os.environ, "KOHORTE_ENV": "demo", "DJANGO_SETTINGS_MODULE": SETTINGS}
    web = subprocess.Popen(_granian_args(host, port, workers=1), env=env)
    worker = subprocess.Popen([sys.executable, "-m", "kohorte", "worker"], env=env)
    processes = [web, worker]

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
        print("Stop it with Ctrl+C.", flush=True)
        while all(proc.poll() is None for proc in processes):
            time.sleep(0.5)
        print("kohorte: a demo process stopped; shutting down.", file=sys.stderr)
    except KeyboardInterrupt:
        pass
    stop()


def collect_static_if_changed() -> None:
    """Run collectstatic unless the source files are exactly those collected last time."""
    import hashlib

    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders
    from django.core.management import call_command

    digest = hashlib.sha256()
    for finder in get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    marker = Path(settings.STATIC_ROOT) / ".kohorte-sources"
    if marker.exists() and marker.read_text() == digest.hexdigest():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
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


def _granian_args(host: str, port: int, workers: int) -> list[str]:
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
        "kohorte.config.wsgi:application",
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
