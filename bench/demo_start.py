"""Benchmark: how long `kohorte demo` takes on a fresh data folder (issue 11 item 8).

    uv run python bench/demo_start.py [--runs 3] [--clean-cache]

Each run starts `kohorte demo` on a new, empty data folder and measures, from the start of the
command, the seconds until the home page (`/`, redirected to the programme's page) first answers 200 and until
the demo reports itself fully loaded ("Demo fully loaded"), and the CPU seconds the demo's
processes used until then. `--clean-cache` also empties the cache folder (the migrated template
database and the collected static files), as on a clean checkout's first run. The load average
is printed before every run: the machine may be shared.
"""

import argparse
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TICK = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(root: int) -> float:
    """CPU time (user + system, of reaped children too) of a process and its descendants."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry.name)] = (int(fields[1]), sum(int(f) for f in fields[11:15]))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0))[1]
        todo.extend(child for child, (parent, _) in stats.items() if parent == pid)
    return total / TICK


def home_answers(url: str) -> bool:
    """Whether `/` answers with the programme's page (it redirects there once the catalogue is
    loaded; before, it would list no programme)."""
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200 and response.geturl() != url
    except OSError:
        return False


def one_run(cache: Path, loaded_line: str, timeout: float = 300) -> dict:
    data = Path(tempfile.mkdtemp(prefix="kohorte-demo-start-"))
    port = free_port()
    env = {**os.environ, "KOHORTE_DATA_DIR": str(data), "KOHORTE_CACHE_DIR": str(cache)}
    for name in ("DATABASE_URL", "KOHORTE_ENV", "KOHORTE_BASE_URL"):
        env.pop(name, None)
    load = os.getloadavg()[0]
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "kohorte", "demo", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    loaded = threading.Event()

    def read():
        for line in proc.stdout:
            if line.startswith(loaded_line):
                loaded.set()

    threading.Thread(target=read, daemon=True).start()
    result = {"load": load}
    try:
        while time.monotonic() - start < timeout:
            if "first" not in result and home_answers(f"http://127.0.0.1:{port}/"):
                result["first"] = time.monotonic() - start
                result["first_cpu"] = cpu_seconds(proc.pid)
            if loaded.is_set():
                result["loaded"] = time.monotonic() - start
                result["loaded_cpu"] = cpu_seconds(proc.pid)
                break
            if proc.poll() is not None:
                raise SystemExit("kohorte demo stopped early")
            time.sleep(0.05)
        else:
            raise SystemExit(f"kohorte demo did not load within {timeout} s")
        if "first" not in result:  # loaded before the first poll answered
            result["first"], result["first_cpu"] = result["loaded"], result["loaded_cpu"]
        return result
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
        shutil.rmtree(data, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--clean-cache", action="store_true")
    parser.add_argument(
        "--loaded-line",
        default="Demo fully loaded",
        help="what the demo prints when loaded (before issue 11.8: 'Kohorte demo is running')",
    )
    args = parser.parse_args()
    cache = Path(tempfile.mkdtemp(prefix="kohorte-demo-cache-"))
    try:
        if not args.clean_cache:
            one_run(
                cache, args.loaded_line
            )  # builds the cache, as any earlier `kohorte demo` on this checkout
        print("| run | load average (1 min) | first 200 of `/` | CPU | fully loaded | CPU |")
        print("|---|---:|---:|---:|---:|---:|")
        for run in range(1, args.runs + 1):
            if args.clean_cache:
                shutil.rmtree(cache, ignore_errors=True)
            r = one_run(cache, args.loaded_line)
            print(
                f"| {run} | {r['load']:.2f} | {r['first']:.1f} s | {r['first_cpu']:.1f} s "
                f"| {r['loaded']:.1f} s | {r['loaded_cpu']:.1f} s |",
                flush=True,
            )
    finally:
        shutil.rmtree(cache, ignore_errors=True)


if __name__ == "__main__":
    main()
