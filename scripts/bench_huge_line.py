"""Key latency after a huge line, measured on a real terminal (tmux).

Writes a log with short lines around one huge line (10 MB by default), opens it in logtail
in a tmux window (as a file, or piped on standard input, or through ``cmd:cat``), waits for
the screen to settle, then presses keys that redraw the screen in turn (``k`` selects a line
and pauses, ``space`` resumes following) and polls ``tmux capture-pane -e`` until the screen
is the one the key led to the first time (the whole redraw, not its first cells). Prints the
median and worst latency per key.

Run: python scripts/bench_huge_line.py [--size 10000000] [--samples 20] [--mode stdin|file|cmd]
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

SESSION = "logtail-huge"


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-e", "-p", "-t", f"{SESSION}:bench")


def settle(quiet: float = 1.0, timeout: float = 60.0) -> str:
    """Wait until the screen stayed the same for ``quiet`` seconds."""
    start = time.perf_counter()
    last, since = screen(), time.perf_counter()
    while time.perf_counter() - start < timeout:
        time.sleep(0.05)
        now = screen()
        if now != last:
            last, since = now, time.perf_counter()
        elif time.perf_counter() - since >= quiet:
            return now
    return last


def press(key: str, final: str | None, timeout: float = 10.0) -> float | None:
    """Milliseconds from sending ``key`` until the screen is ``final`` (the screen this key
    led to the first time: the whole redraw, not only its first cells); ``None``: never."""
    t0 = time.perf_counter()
    tmux("send-keys", "-t", f"{SESSION}:bench", key)
    while time.perf_counter() - t0 < timeout:
        if screen() == final:
            return (time.perf_counter() - t0) * 1000
    return None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--samples", type=int, default=20)
    parser.add_argument("--mode", choices=["stdin", "file", "cmd"], default="stdin")
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("bench_huge_line: tmux is not installed; apt-get install tmux")
    workdir = Path(tempfile.mkdtemp(prefix="logtail-huge-"))
    path = workdir / "huge.log"
    with path.open("w") as f:
        for i in range(50):
            f.write(f"2026-12-01T02:00:{i % 60:02d}Z INFO before {i}\n")
        f.write("2026-12-01T02:01:00Z ERROR " + "x" * args.size + "\n")
        for i in range(5):
            f.write(f"2026-12-01T02:02:{i:02d}Z INFO after {i}\n")
    py = shlex.quote(sys.executable)
    q = shlex.quote(str(path))
    command = {
        "stdin": f"cat {q} | {py} -m logtail_tui -",
        "file": f"{py} -m logtail_tui -n all {q}",
        "cmd": f"{py} -m logtail_tui 'cmd:cat {path}'",
    }[args.mode]
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", "-n", "bench", command)
    try:
        settle()
        # k selects a line (pausing), space resumes following: each redraws the screen. The
        # first round learns the screen each key leads to; the others time reaching it.
        finals: dict[str, str] = {}
        for key in ("k", "Space"):
            tmux("send-keys", "-t", f"{SESSION}:bench", key)
            finals[key] = settle(1.0)
        results: dict[str, list[float]] = {"k": [], "space": []}
        for _ in range(args.samples):
            for name, key in (("k", "k"), ("space", "Space")):
                took = press(key, finals[key])
                if took is not None:
                    results[name].append(took)
                settle(0.3)
        for name, values in results.items():
            if values:
                print(
                    f"{args.mode:5} {args.size / 1e6:.0f} MB line, key {name:5}: median "
                    f"{statistics.median(values):6.1f} ms, worst {max(values):6.1f} ms "
                    f"({len(values)} presses)"
                )
            else:
                print(f"{args.mode:5} key {name}: the screen never changed")
    finally:
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm-256color")
    main()
