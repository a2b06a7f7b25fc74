"""What the page benchmarks share: a fresh site in a temporary data folder (migrated, static
files collected, the demo catalogue loaded), prepared by a script of the benchmark's own, then
served by the real server (`kohorte serve`, granian, production settings, 1 worker) on
127.0.0.1, and the p95 of a list of timings."""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return ordered[max(0, int(len(ordered) * 0.95) - 1)]


@contextmanager
def served_site(name: str, prepare: str, *, hosts: str = "127.0.0.1"):
    """Yield (base URL, the last line the ``prepare`` script printed, split) of a running
    site; the server is stopped and the data folder removed afterwards."""
    data = Path(tempfile.mkdtemp(prefix=f"kohorte-{name}-"))
    port = free_port()
    env = {
        **os.environ,
        "KOHORTE_ENV": "demo",
        "KOHORTE_DATA_DIR": str(data),
        "SECRET_KEY": f"{name}-" + "k9Zq" * 16,
        "ALLOWED_HOSTS": hosts,
        "KOHORTE_SSL_REDIRECT": "0",
        "DJANGO_SETTINGS_MODULE": "kohorte.config.settings",
    }

    def run(*args):
        subprocess.run(
            [sys.executable, "-m", "kohorte", *args], env=env, check=True, capture_output=True
        )

    run("manage", "migrate", "-v", "0")
    if os.environ.get("DATABASE_URL"):
        run("manage", "flush", "--noinput", "-v", "0")
    run("manage", "collectstatic", "--noinput", "-v", "0")
    run("manage", "load_catalog")
    prepared = (
        subprocess.run(
            [sys.executable, "-c", prepare], env=env, check=True, capture_output=True, text=True
        )
        .stdout.splitlines()[-1]
        .split()
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "kohorte", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            try:
                httpx.get(f"{base}/healthz", timeout=1)
                break
            except httpx.HTTPError:
                time.sleep(0.1)
        yield base, prepared
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        shutil.rmtree(data, ignore_errors=True)


def database_line() -> str:
    db = "postgresql" if os.environ.get("DATABASE_URL") else "sqlite"
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"\nDatabase: {db}; granian, 1 worker; load average {load}\n"
