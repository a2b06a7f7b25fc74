"""Benchmark: public pages against /healthz on the same server, side by side in one run.

    uv run python bench/public_pages.py [--seconds 10] [--connections 16] [--workers 2]

Starts `kohorte serve` (granian, production settings) on 127.0.0.1 with the demo data in a
temporary data folder, runs wrk against /healthz, the program overview and the curriculum,
and prints a Markdown table. Then measures how long `kohorte demo` takes to serve its first
page on an already set-up environment. Every load is bounded in time; all traffic stays on
127.0.0.1.
"""

import argparse
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PATHS = ["/healthz", "/ki-data-science/", "/ki-data-science/curriculum/"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> float:
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=1) as response:
                if response.status == 200:
                    return time.monotonic() - start
        except OSError:
            time.sleep(0.05)
    raise SystemExit(f"{url} did not answer within {timeout} s")


def wrk(url: str, seconds: int, connections: int) -> dict:
    out = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "--timeout", "5s", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s)", out)
    factor = {"us": 0.001, "ms": 1, "s": 1000}[p99.group(2)]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": rps,
        "p99_ms": float(p99.group(1)) * factor,
        "non2xx": int(errors.group(1)) if errors else 0,
    }


def kohorte(*args, env):
    return subprocess.run(
        [sys.executable, "-m", "kohorte", *args],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    )


def bench_server(
    seconds: int, connections: int, workers: int, extra_env: dict | None = None
) -> list[tuple[str, dict]]:
    data = Path(tempfile.mkdtemp(prefix="kohorte-bench-"))
    port = free_port()
    env = {
        **os.environ,
        "KOHORTE_ENV": "production",
        "KOHORTE_DATA_DIR": str(data),
        "SECRET_KEY": "bench-" + "x7Qp" * 16,
        "ALLOWED_HOSTS": "127.0.0.1",
        "KOHORTE_SSL_REDIRECT": "0",
        "KOHORTE_SMTP_URL": "smtp://127.0.0.1:2525",
        **(extra_env or {}),
    }
    env.pop("DATABASE_URL", None)
    kohorte("manage", "migrate", "-v", "0", env=env)
    kohorte("manage", "collectstatic", "--noinput", "-v", "0", env=env)
    kohorte("manage", "load_catalog", env=env)
    server = subprocess.Popen(
        [sys.executable, "-m", "kohorte", "serve", "--port", str(port), "--workers", str(workers)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(f"http://127.0.0.1:{port}/healthz")
        results = []
        for path in PATHS:
            url = f"http://127.0.0.1:{port}{path}"
            wrk(url, 2, connections)  # warm-up: caches, connections
            results.append((path, wrk(url, seconds, connections)))
        return results
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(data, ignore_errors=True)


def bench_demo_startup() -> tuple[float, float]:
    """Seconds until `kohorte demo` serves its first page: fresh data folder, then a restart."""
    data = Path(tempfile.mkdtemp(prefix="kohorte-demo-"))
    env = {**os.environ, "KOHORTE_DATA_DIR": str(data)}
    env.pop("DATABASE_URL", None)
    env.pop("KOHORTE_ENV", None)
    timings = []
    try:
        for _ in range(2):
            port = free_port()
            start = time.monotonic()
            proc = subprocess.Popen(
                [sys.executable, "-m", "kohorte", "demo", "--port", str(port)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            try:
                wait_for(f"http://127.0.0.1:{port}/ki-data-science/", timeout=120)
                timings.append(time.monotonic() - start)
            finally:
                proc.terminate()
                proc.wait(timeout=20)
        return timings[0], timings[1]
    finally:
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    results = bench_server(args.seconds, args.connections, args.workers)
    base = results[0][1]["rps"]
    print(
        f"\n`kohorte serve --workers {args.workers}` (granian, production settings, SQLite), "
        f"wrk -t2 -c{args.connections} -d{args.seconds}s:\n"
    )
    print("| path | requests/s | ratio to /healthz | p99 latency | non-2xx |")
    print("|---|---:|---:|---:|---:|")
    for path, r in results:
        print(
            f"| `{path}` | {r['rps']:,.0f} | {r['rps'] / base:.0%} | {r['p99_ms']:.1f} ms "
            f"| {r['non2xx']} |"
        )
    uncached = bench_server(
        args.seconds, args.connections, args.workers, {"KOHORTE_PAGE_CACHE_SECONDS": "0"}
    )
    print(
        "\nThe same with the public page cache off (`KOHORTE_PAGE_CACHE_SECONDS=0`), for scale:\n"
    )
    print("| path | requests/s | ratio to /healthz | p99 latency |")
    print("|---|---:|---:|---:|")
    for path, r in uncached:
        ratio = r["rps"] / uncached[0][1]["rps"]
        print(f"| `{path}` | {r['rps']:,.0f} | {ratio:.0%} | {r['p99_ms']:.1f} ms |")
    fresh, restart = bench_demo_startup()
    print(
        f"\n`kohorte demo` until the first page is served: {fresh:.1f} s on a fresh data "
        f"folder, {restart:.1f} s on a restart (environment already synced)."
    )


if __name__ == "__main__":
    main()
