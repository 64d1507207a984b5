"""Big files opened whole, side by side: logtail, and lnav and toolong where installed.

    python scripts/bench_bigfile.py [--sizes 200,1024] [--tools logtail,lnav,toolong]
                                    [--toolong PATH] [--plain-lines 1000000]
                                    [--plain-runs 12] [--before CHECKOUT]

Each tool runs in tmux (160x45) on the same generated file (``scripts/bench_file.py``'s
lines, ~83 bytes each, with a unique first line). Measured per tool and size:

- *last line*: launch -> the file's last line is on the screen;
- *searchable*: launch -> a search for a word only the first line holds has landed on it
  (the search is typed as soon as the last line shows; ``N`` is pressed until it lands);
- *peak RSS*: the largest VmRSS of the tool's process tree, sampled every 20 ms.

Also plain mode with a level filter on a file of ``--plain-lines`` lines, to a pipe, beside
``grep -E 'ERROR|WARN'`` (``--plain-runs`` runs of each, alternating: median and best). Prints a table and one JSON line. Figures are noisy on a shared
machine: run it on a quiet one and compare ratios.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_file import byte_compile, log_line

MARKER = "FIRSTLINEMARKER"
SESSION = "ltbench"


def generate(path: Path, size_mb: int) -> tuple[int, str]:
    """A file of about ``size_mb`` MiB; returns its line count and last line."""
    if path.exists() and path.stat().st_size >= size_mb << 20:
        last = path.read_bytes()[-200:].rstrip(b"\n").rsplit(b"\n", 1)[-1].decode()
        return -1, last
    target, n, written = size_mb << 20, 0, 0
    with open(path, "w") as f:
        f.write(f"2026-11-21T09:59:59.999Z INFO [main] {MARKER} first line\n")
        while written < target:
            block = "".join(log_line(i) + "\n" for i in range(n, n + 20_000))
            f.write(block)
            written += len(block)
            n += 20_000
    return n + 1, log_line(n - 1)


def tmux(*args: str) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True).stdout


def screen() -> str:
    return tmux("capture-pane", "-p", "-t", SESSION)


def tree_rss_kib(pid: int) -> int:
    total = 0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            with open(f"/proc/{p}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            with open(f"/proc/{p}/task/{p}/children") as f:
                todo.extend(int(c) for c in f.read().split())
        except OSError:
            pass
    return total


def pane_pid() -> int:
    return int(tmux("display-message", "-p", "-t", SESSION, "#{pane_pid}").strip())


def run_tool(
    command: list[str], last_line: str, search: bool, timeout: float = 120, ready: str = ""
) -> dict:
    """Times to the last line on screen, to the UI answering keys (``ready`` on screen: the
    last line already shows it for tools without a first frame) and to a search's answer."""
    tmux("kill-session", "-t", SESSION)
    quoted = " ".join(f"'{c}'" for c in command)
    t0 = time.perf_counter()
    tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "45", f"exec {quoted}")
    pid = pane_pid()
    peak = 0
    result: dict = {"last_line_s": None, "ui_s": None, "indexed_s": None, "searchable_s": None}
    tail = last_line[-60:]
    searched_at = pressed = 0.0
    seen_indexing = False
    deadline = t0 + timeout
    while time.perf_counter() < deadline:
        peak = max(peak, tree_rss_kib(pid))
        now = time.perf_counter()
        text = screen()
        if result["last_line_s"] is None and tail in text:
            result["last_line_s"] = now - t0
        if "indexing" in text:
            seen_indexing = True
        elif seen_indexing and result["indexed_s"] is None:
            result["indexed_s"] = now - t0  # the status bar's progress is gone
        if result["ui_s"] is None and result["last_line_s"] is not None and ready in text:
            result["ui_s"] = now - t0
            if not search:
                break
            # Typed at once, as a user or a paste would: the prompt takes what follows "/"
            # (the last session waited 0.3 s here, so its "searchable" figures are 0.3 s more).
            tmux("send-keys", "-t", SESSION, "/", MARKER, "Enter")
            searched_at = now
            pressed = now  # N ("previous match") again every 0.25 s until the line shows
        elif result["ui_s"] is not None and search:
            if f"{MARKER} first line" in text:  # the line itself, not the typed query
                result["searchable_s"] = now - t0
                break
            if now - pressed > 0.25:
                # Previous match: from the end, the only match is the first line.
                tmux("send-keys", "-t", SESSION, "N")
                pressed = now
        time.sleep(0.02)
    del searched_at
    # A little longer for the RSS peak of work still under way (background indexing).
    end = time.perf_counter() + 1.0
    while time.perf_counter() < end:
        peak = max(peak, tree_rss_kib(pid))
        time.sleep(0.05)
    result["peak_rss_mib"] = round(peak / 1024)
    tmux("kill-session", "-t", SESSION)
    return result


def stream_memory(lines: int, before: str = "") -> dict:
    """``generator | logtail -`` in tmux: RSS of logtail sampled as ``lines`` lines stream in."""
    gen = (
        "import sys\n"
        f"n = {lines}\n"
        "w = sys.stdout.write\n"
        "for start in range(0, n, 10000):\n"
        "    w(''.join(f'2026-11-21T10:00:00.{i % 1000:03d}Z INFO [svc-{i % 7}] request {i} "
        "served in {i % 997} ms status=ok\\n' for i in range(start, min(n, start + 10000))))\n"
        "print('STREAM-END-MARKER', flush=True)\n"
    )
    script = Path(tempfile.gettempdir()) / "logtail-bench-gen.py"
    script.write_text(gen)
    results = {}
    variants = [("logtail", ["-m", "logtail_tui", "-"])]
    if before:
        variants.append(("logtail-before", ["-P", "-m", "logtail_tui", "-"]))
    for name, args in variants:
        env = f"PYTHONPATH={before} " if name == "logtail-before" else ""
        command = f"{sys.executable} {script} | {env}{sys.executable} {' '.join(args)}"
        tmux("kill-session", "-t", SESSION)
        t0 = time.perf_counter()
        tmux("new-session", "-d", "-s", SESSION, "-x", "160", "-y", "45", command)
        pid = pane_pid()
        samples: list[tuple[float, int]] = []
        while time.perf_counter() - t0 < 900:
            samples.append((time.perf_counter() - t0, tree_rss_kib(pid)))
            if "STREAM-END-MARKER" in screen():
                break
            time.sleep(0.2)
        done = time.perf_counter() - t0
        tmux("kill-session", "-t", SESSION)
        peak = max(r for _, r in samples)
        quarter = [r for t, r in samples if t >= done * 0.25]
        results[name] = {
            "seconds": round(done, 1),
            "peak_rss_mib": round(peak / 1024),
            "rss_mib_at_25_50_75_100": [
                round(next(r for t, r in samples if t >= done * f) / 1024)
                for f in (0.25, 0.5, 0.75)
            ]
            + [round(samples[-1][1] / 1024)],
            "growth_after_25pct_mib": round((max(quarter) - quarter[0]) / 1024) if quarter else 0,
        }
    return results


def plain_speed(path: Path, lines: int, before: str = "", repeat: int = 12) -> dict:
    """Median and best of ``repeat`` runs of each of logtail (and ``before``) and grep."""
    logtail = [
        sys.executable,
        "-m",
        "logtail_tui",
        "--plain",
        "--no-follow",
        "-n",
        "all",
        "-l",
        "warn",
    ]
    out = {}
    runs = [("logtail_plain_warn", [*logtail, str(path)])]
    if before:
        runs.append(
            (
                "logtail_before_plain_warn",
                ["env", f"PYTHONPATH={before}", sys.executable, "-P", *logtail[1:], str(path)],
            )
        )
    runs.append(("grep", ["grep", "-E", "ERROR|WARN", str(path)]))
    times: dict[str, list[float]] = {name: [] for name, _ in runs}
    for _ in range(repeat):  # alternating, so a slow spell of the machine hits each alike
        for name, cmd in runs:
            t0 = time.perf_counter()
            with subprocess.Popen(cmd, stdout=subprocess.PIPE) as proc:
                assert proc.stdout is not None
                while proc.stdout.read(1 << 20):
                    pass
            times[name].append(time.perf_counter() - t0)
    for name, seconds in times.items():
        median, best = statistics.median(seconds), min(seconds)
        out[name] = {
            "seconds": round(median, 3),
            "best_seconds": round(best, 3),
            "mlines_per_s": round(lines / median / 1e6, 2),
            "best_mlines_per_s": round(lines / best / 1e6, 2),
        }
    return out


def main() -> None:
    byte_compile()
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="200,1024", help="file sizes in MiB, comma separated")
    ap.add_argument("--tools", default="logtail,lnav,toolong")
    ap.add_argument("--toolong", default=shutil.which("tl") or "", help="toolong's tl command")
    ap.add_argument("--plain-lines", type=int, default=1_000_000)
    ap.add_argument("--plain-runs", type=int, default=12, help="runs of each plain command")
    ap.add_argument("--timeout", type=float, default=120, help="seconds allowed per tool run")
    ap.add_argument(
        "--stream-lines", type=int, default=0, help="also stream this many lines into 'logtail -'"
    )
    ap.add_argument("--dir", default=tempfile.gettempdir())
    ap.add_argument(
        "--before", default="", help="a checkout of an older logtail, run as 'logtail-before'"
    )
    args = ap.parse_args()
    commands = {
        "logtail": [sys.executable, "-m", "logtail_tui", "-n", "all"],
        "lnav": [shutil.which("lnav") or ""],
        "toolong": [args.toolong],
        "logtail-before": [
            "env",
            f"PYTHONPATH={args.before}",
            sys.executable,
            "-P",
            "-m",
            "logtail_tui",
            "-n",
            "all",
        ]
        if args.before
        else [""],
    }
    results: dict = {}
    for size in (int(s) for s in args.sizes.split(",") if s):  # --sizes "": plain mode only
        path = Path(args.dir) / f"logtail-bench-{size}m.log"
        _, last = generate(path, size)
        for tool in args.tools.split(","):
            if not commands[tool][0]:
                continue
            search = tool != "toolong"  # toolong's search is not a '/' prompt
            ready = "Pause" if tool.startswith("logtail") else ""  # the footer's keys
            r = run_tool([*commands[tool], str(path)], last, search, args.timeout, ready)
            results[f"{tool}@{size}MiB"] = r
            print(
                f"{tool:8} {size:5} MiB  last line {fmt(r['last_line_s'])}  "
                f"keys answered {fmt(r['ui_s'])}  indexed {fmt(r['indexed_s'])}  "
                f"searchable {fmt(r['searchable_s'])}  peak RSS {r['peak_rss_mib']} MiB",
                flush=True,
            )
    if args.plain_lines:
        path = Path(args.dir) / f"logtail-bench-{args.plain_lines}-lines.log"
        with open(path, "w") as f:
            for start in range(0, args.plain_lines, 20_000):
                f.write(
                    "".join(
                        log_line(i) + "\n"
                        for i in range(start, min(start + 20_000, args.plain_lines))
                    )
                )
        plain = plain_speed(path, args.plain_lines, args.before, args.plain_runs)
        results["plain"] = plain
        for name, r in plain.items():
            print(
                f"{name:26} median {r['seconds']:.3f} s ({r['mlines_per_s']} M lines/s), "
                f"best {r['best_seconds']:.3f} s ({r['best_mlines_per_s']} M lines/s)",
                flush=True,
            )
    if args.stream_lines:
        stream = stream_memory(args.stream_lines, args.before)
        results["stream"] = stream
        for name, r in stream.items():
            print(f"{name:15} {args.stream_lines:,} lines via stdin: {r}", flush=True)
    print(json.dumps(results))


def fmt(value: float | None) -> str:
    return f"{value:6.2f} s" if value is not None else "     - "


if __name__ == "__main__":
    os.environ.setdefault("TERM", "xterm-256color")
    main()
