"""Append -> visible latency and a 500k-line burst, measured on a real terminal (tmux).

Runs each follower in its own tmux window on the same file, appends a line with a unique
marker, and times until the marker reaches the terminal. Also appends a 500k-line (~48 MiB)
burst and times the last line's arrival, reading the follower's peak RSS (VmHWM).

How arrival is seen (``--watch``):

- ``control`` (default): a tmux control-mode client (``tmux -C``) is told of each piece of
  output as tmux reads it from the pane; the marker is looked for in that stream with escape
  sequences taken out. Nothing polls, so nothing competes with the follower for the CPU.
- ``poll``: ``tmux capture-pane`` run in a loop until the marker is on screen (earlier releases'
  figures). Each poll starts a tmux client, about 2-4 ms here: ``tail -f``, which takes well
  under a millisecond, reads 4-6 ms this way, and the loop keeps a core busy meanwhile.

Run: python scripts/bench_latency.py [--samples 60] [--burst 500000] [--only logtail]
     [--history N] [--watch control|poll]
"""

from __future__ import annotations

import argparse
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
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
    """When ``needle`` is first seen on ``window``'s screen by polling (``--watch poll``)."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if needle in screen(window):
            return time.perf_counter()
    return None


_OCTAL = re.compile(rb"\\([0-7]{3})")
_ESCAPES = re.compile(
    rb"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78DEHMc])"
)


class ControlWatch:
    """A tmux control-mode client on the session: ``%output`` lines carry each pane's output
    as tmux reads it, stamped here as they arrive (``--watch control``)."""

    def __init__(self) -> None:
        self._proc = subprocess.Popen(
            ["tmux", "-C", "attach", "-t", SESSION],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._cond = threading.Condition()
        self._pane = b""
        self._text = b""
        self._needle = b""
        self._seen: float | None = None
        self.sent = 0
        """Bytes the watched pane's program wrote to the terminal while markers were awaited."""
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self._proc.stdout is not None
        for line in self._proc.stdout:
            now = time.perf_counter()
            if not line.startswith(b"%output "):
                continue
            _, pane, data = line.rstrip(b"\n").split(b" ", 2)
            with self._cond:
                if pane != self._pane or not self._needle:
                    continue
                data = _OCTAL.sub(lambda m: bytes([int(m[1], 8)]), data)
                self.sent += len(data)
                if self._seen is not None:
                    continue
                # Escapes are taken out of what has come since the append, so a marker is
                # found even when a cursor move or a colour falls inside it.
                self._text += data
                if self._needle in _ESCAPES.sub(b"", self._text):
                    self._seen = now
                    self._cond.notify_all()

    def expect(self, window: str, needle: str) -> None:
        """Look for ``needle`` in ``window``'s output from now on."""
        pane = tmux("display-message", "-p", "-t", f"{SESSION}:{window}", "#{pane_id}")
        with self._cond:
            self._pane, self._needle, self._text, self._seen = (
                pane.strip().encode(),
                needle.encode(),
                b"",
                None,
            )

    def silence(self, window: str) -> None:
        """Stop being told of ``window``'s output (a burst is timed by polling, as before)."""
        pane = tmux("display-message", "-p", "-t", f"{SESSION}:{window}", "#{pane_id}").strip()
        assert self._proc.stdin is not None
        self._proc.stdin.write(f"refresh-client -A '{pane}:off'\n".encode())
        self._proc.stdin.flush()

    def wait(self, timeout: float) -> float | None:
        with self._cond:
            self._cond.wait_for(lambda: self._seen is not None, timeout)
            return self._seen

    def close(self) -> None:
        assert self._proc.stdin is not None
        self._proc.stdin.close()
        self._proc.wait(5)


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


def measure(
    name: str, command: str, path: Path, samples: int, burst: int, watch: ControlWatch | None
) -> dict[str, float]:
    window = name.replace(" ", "_")
    tmux("new-window", "-d", "-t", SESSION, "-n", window, command)
    time.sleep(2.0)  # start-up is not what we measure
    latencies = []
    sent_before = watch.sent if watch is not None else 0
    with path.open("a") as f:
        for i in range(samples):
            marker = f"MARK-{name}-{i}-{time.time_ns()}"
            if watch is not None:
                watch.expect(window, marker)
            f.write(f"2026-01-01T00:00:00Z INFO {marker}\n")
            f.flush()
            t0 = time.perf_counter()
            seen = wait_for(window, marker, 5.0) if watch is None else watch.wait(5.0)
            if seen is not None:
                latencies.append((seen - t0) * 1000)
            time.sleep(0.05)
    if watch is not None and latencies and marker not in screen(window):
        sys.exit(f"bench_latency: {name}'s last marker reached tmux but is not on screen")
    result = {"median_ms": statistics.median(latencies) if latencies else float("nan")}
    if watch is not None:
        result["bytes_per_line"] = (watch.sent - sent_before) / samples
    result["p95_ms"] = (
        sorted(latencies)[int(len(latencies) * 0.95) - 1] if latencies else float("nan")
    )
    if burst:
        if watch is not None:
            watch.silence(window)
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


def _python() -> str:
    """This Python; with ``PYTHONPATH`` set (a checkout to compare), it is passed on in the
    command itself: tmux starts windows with its server's environment, which an earlier run
    may have set, and ``-P`` keeps the window's directory off the path."""
    python = shlex.quote(sys.executable)
    if "PYTHONPATH" not in os.environ:
        return python
    return f"env PYTHONPATH={shlex.quote(os.environ['PYTHONPATH'])} {python} -P"


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
    parser.add_argument(
        "--watch",
        choices=["control", "poll"],
        default="control",
        help="how a line's arrival is seen: a tmux control-mode client told of each output "
        "(default), or capture-pane polled in a loop (earlier releases' figures)",
    )
    args = parser.parse_args()
    if not shutil.which("tmux"):
        sys.exit("bench_latency: tmux is not installed; apt-get install tmux")
    workdir = Path(tempfile.mkdtemp(prefix="logtail-bench-"))
    followers = {
        "tail -f": "tail -n 5 -F {path}",
        "logtail": f"{_python()} -m logtail_tui -n {max(5, args.history)} {{path}}",
    }
    if args.only:
        followers = {k: v for k, v in followers.items() if k.startswith(args.only)}
    subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
    tmux("new-session", "-d", "-s", SESSION, "-x", "120", "-y", "40", "-n", "idle", "sleep 3600")
    tmux("set-option", "-t", SESSION, "window-size", "manual")  # a control client keeps 120x40
    watch = ControlWatch() if args.watch == "control" else None
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
                name,
                template.format(path=shlex.quote(str(path))),
                path,
                args.samples,
                args.burst,
                watch,
            )
            print(
                f"{name:10} append->visible median {r['median_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms"
                + (
                    f"; {r['bytes_per_line']:.0f} bytes to the terminal a line"
                    if "bytes_per_line" in r
                    else ""
                )
                + (
                    f"; burst {r['burst_mib']:.0f} MiB -> last line {r['burst_s']:.2f} s, "
                    f"peak RSS {r['peak_rss_mib']:.0f} MiB"
                    if "burst_s" in r
                    else ""
                ),
                flush=True,
            )
    finally:
        if watch is not None:
            watch.close()
        subprocess.run(["tmux", "kill-session", "-t", SESSION], capture_output=True)
        shutil.rmtree(workdir, ignore_errors=True)
    if args.watch == "poll":
        print("(capture-pane polling adds 4-6 ms to every figure, for every follower alike)")


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm-256color")
    main()
