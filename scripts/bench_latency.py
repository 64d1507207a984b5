"""Append -> visible latency and a 500k-line burst, measured on a real terminal (tmux).

Runs each follower in its own tmux window on the same file, appends a line with a unique
marker, and polls ``tmux capture-pane`` until the marker is on screen. Also appends a 500k-line
(~48 MiB) burst and times the last line's arrival, reading the follower's peak RSS (VmHWM).

Run: python scripts/bench_latency.py [--samples 60] [--burst 500000] [--only logtail]
     [--history N]
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_file import byte_compile

SESSION = "logtail-bench"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def screen(window: str) -> str:
    return tmux("capture-pane", "-p", "-t", f"{SESSION}:{window}")


def wait_for(window: str, needle: str, timeout: float) -> float | None:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in screen(window):
            return time.perf_counter()
    return None


def pane_pid(window: str) -> int:
    return int(tmux("display-message", "-p", "-t", f"{SESSION}:{window}", "#{pane_pid}").strip())


def peak_rss_mib(pid: int) -> float:
    """Largest VmHWM among the pane's process and its children (the follower itself)."""
    best = 0
    pids = [pid]
    try:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout
        pids += [int(p) for p in out.split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    best = max(best, int(line.split()[1]))
        except OSError:
            continue
    return best / 1024


def measure(name: str, command: str, path: Path, samples: int, burst: int) -> dict[str, float]:
    window = name.replace(" ", "_")
    tmux("new-window", "-d", "-t", SESSION, "-n", window, command)
    time.sleep(2.0)  # start-up is not what we measure
    latencies = []
    with path.open("a") as f:
        for i in range(samples):
            marker = f"MARK-{name}-{i}-{time.time_ns()}"
            f.write(f"2026-01-01T00:00:00Z INFO {marker}\n")
            f.flush()
            t0 = time.perf_counter()
            seen = wait_for(window, marker, 5.0)
            if seen is not None:
                latencies.append((seen - t0) * 1000)
            time.sleep(0.05)
    result = {"median_ms": statistics.median(latencies) if latencies else float("nan")}
    result["p95_ms"] = (
        sorted(latencies)[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    )
    if burst:
        line = "2026-01-01T00:00:00.000Z INFO [worker] processed job {:>9} in 12ms user=alice queue=default\n"
        block = "".join(line.format(i) for i in range(burst - 1))
        last = f"BURST-END-{name}-{time.time_ns()}"
        t0 = time.perf_counter()
        with path.open("a") as f:
            f.write(block)
            f.write(f"2026-01-01T00:00:00.000Z INFO {last}\n")
        seen = wait_for(window, last, 120.0)
        result["burst_s"] = (seen - t0) if seen is not None else float("inf")
        result["burst_mib"] = len(block) / 2**20
        result["peak_rss_mib"] = peak_rss_mib(pane_pid(window))
    tmux("kill-window", "-t", f"{SESSION}:{window}")
    return result


def main() -> None:
    byte_compile()
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=60)
    parser.add_argument("--burst", type=int, default=500_000)
    parser.add_argument("--only", choices=["logtail", "tail"], default=None)
    parser.add_argument(
        "--history",
        type=int,
        default=0,
        help="lines the file holds at start, all loaded (a log followed with its past; "
        "default: one line, a log just begun)",
    )
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("bench_latency: tmux is not installed; apt-get install tmux")
    workdir = Path(tempfile.mkdtemp(prefix="logtail-bench-"))
    followers = {
        "tail -f": "tail -n 5 -F {path}",
        "logtail": f"{shlex.quote(sys.executable)} -m logtail_tui -n {max(5, args.history)} {{path}}",
    }
    if args.only:
        followers = {k: v for k, v in followers.items() if k.startswith(args.only)}
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", "-n", "idle", "sleep 3600")
    try:
        for name, template in followers.items():
            path = workdir / f"{name.replace(' ', '_')}.log"
            path.write_text(
                "2026-01-01T00:00:00Z INFO start\n"
                + "".join(
                    f"2026-01-01T00:00:00Z INFO earlier line {i} user=alice took 12ms\n"
                    for i in range(args.history)
                )
            )
            r = measure(
                name, template.format(path=shlex.quote(str(path))), path, args.samples, args.burst
            )
            print(
                f"{name:10} append->visible median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms"
                + (
                    f"; burst {r['burst_mib']:.0f} MiB -> last line {r['burst_s']:.2f} s, "
                    f"peak RSS {r['peak_rss_mib']:.0f} MiB"
                    if "burst_s" in r
                    else ""
                ),
                flush=True,
            )
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
    print("(capture-pane polling adds ~1-3 ms to every figure, for every follower alike)")


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm-256color")
    main()
