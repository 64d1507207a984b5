"""What merge by time and --since cost.

    python scripts/bench_merge.py [--lines 1000000] [--since-mb 200] [--dir /tmp]

1. The merger alone (``core/merge.py``) on ``--lines`` lines from two sources whose times
   interleave, in batches of 1,000: as history (held, then one k-way merge) and live
   (released batch by batch as the window passes).
2. End to end: ``logtail --plain --no-follow -n all --merge-by-time a.log b.log`` to
   /dev/null, beside the same without ``--merge-by-time``.
3. The TUI (headless, Textual's test driver): launch -> every line of both files in the
   scrollback, ``-n all`` with and without ``--merge-by-time``.
4. ``--since`` on a ``--since-mb`` MiB file: the binary search alone (time and bytes read),
   and ``logtail --plain --no-follow --since T`` printing the last 1% of the file.

Prints a table and one JSON line. Figures are noisy on a shared machine.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench_file import log_line, write_big

from logtail_tui.core.merge import TimeMerger
from logtail_tui.core.parse import LineParser
from logtail_tui.core.time_range import parse_instant
from logtail_tui.sources import file_since

BATCH = 1000


def two_sources(total: int) -> tuple[list[list[str]], list[list[str]]]:
    """Even lines for source 0, odd for source 1, in batches."""
    lines = [log_line(i) for i in range(total)]
    a, b = lines[0::2], lines[1::2]
    return (
        [a[i : i + BATCH] for i in range(0, len(a), BATCH)],
        [b[i : i + BATCH] for i in range(0, len(b), BATCH)],
    )


def bench_merger(total: int) -> dict[str, float]:
    parser = LineParser()
    a, b = two_sources(total)
    batches = [
        (s, parser.parse(texts))
        for pair in zip(a, b, strict=False)
        for s, texts in zip((0, 1), pair, strict=True)
    ]
    out: dict[str, float] = {}
    # History: everything held, then merged at once.
    m = TimeMerger(2, 0.2, history=True, max_held=total + 1)
    t0 = time.perf_counter()
    for s, batch in batches:
        m.push(s, batch, 0.0)
    t1 = time.perf_counter()
    m.history_done(0)
    m.history_done(1)
    runs = m.release(1.0)
    t2 = time.perf_counter()
    assert sum(len(r) for _, r in runs) == total
    out["history_push_s"] = t1 - t0
    out["history_merge_s"] = t2 - t1
    # Live: a batch of each source every 10 ms of (simulated) time, released as due.
    m = TimeMerger(2, 0.2, history=False, max_held=total + 1)
    released = 0
    t0 = time.perf_counter()
    for k, (s, batch) in enumerate(batches):
        now = k * 0.005
        m.push(s, batch, now)
        released += sum(len(r) for _, r in m.release(now))
    released += sum(len(r) for _, r in m.release(1e9, everything=True))
    out["live_s"] = time.perf_counter() - t0
    assert released == total
    return out


def run(args: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "logtail_tui", *args],
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return time.perf_counter() - t0


def bench_end_to_end(total: int, folder: Path) -> dict[str, float]:
    a, b = two_sources(total)
    pa, pb = folder / "merge_a.log", folder / "merge_b.log"
    pa.write_text("".join(line + "\n" for batch in a for line in batch))
    pb.write_text("".join(line + "\n" for batch in b for line in batch))
    base = ["--plain", "--no-follow", "-n", "all", str(pa), str(pb)]
    return {"plain_unmerged_s": run(base), "plain_merged_s": run(["--merge-by-time", *base])}


def bench_tui(total: int, folder: Path) -> dict[str, float]:
    import asyncio

    from logtail_tui.cli import app_from_argv

    pa, pb = folder / "merge_a.log", folder / "merge_b.log"  # written by bench_end_to_end

    async def until_loaded(argv: list[str]) -> float:
        app = app_from_argv(argv)
        t0 = time.perf_counter()
        async with app.run_test(size=(160, 45)) as pilot:
            while app.store.received < total:
                await pilot.pause(0.05)
            return time.perf_counter() - t0

    base = ["-n", "all", str(pa), str(pb)]
    return {
        "tui_unmerged_s": asyncio.run(until_loaded(base)),
        "tui_merged_s": asyncio.run(until_loaded(["--merge-by-time", *base])),
    }


def bench_since(size_mb: int, folder: Path) -> dict[str, float]:
    path = folder / f"since_{size_mb}.log"
    if not path.exists() or path.stat().st_size < size_mb << 20:
        lines = write_big(path, size_mb)
    else:
        lines = sum(1 for _ in path.open("rb"))
    when = log_line(int(lines * 0.99)).split(" ", 1)[0]
    reads: list[int] = []
    real = os.pread

    def counting(fd: int, n: int, offset: int) -> bytes:
        data = real(fd, n, offset)
        reads.append(len(data))
        return data

    file_since.os.pread = counting  # type: ignore[attr-defined]
    try:
        with path.open("rb") as f:
            t0 = time.perf_counter()
            start, end = file_since.history_span(
                f.fileno(), path.stat().st_size, parse_instant(when), None
            )
            search = time.perf_counter() - t0
    finally:
        file_since.os.pread = real  # type: ignore[attr-defined]
    return {
        "since_file_mb": path.stat().st_size / (1 << 20),
        "since_search_ms": search * 1000,
        "since_search_kib_read": sum(reads) / 1024,
        "since_search_reads": len(reads),
        "since_plain_last_1pct_s": run(["--plain", "--no-follow", "--since", when, str(path)]),
        "since_lines_shown": (end - start) and int(lines * 0.01),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--since-mb", type=int, default=200)
    parser.add_argument("--dir", default=tempfile.gettempdir())
    args = parser.parse_args()
    folder = Path(args.dir)
    result = {"lines": args.lines}
    result.update(bench_merger(args.lines))
    result.update(bench_end_to_end(args.lines, folder))
    result.update(bench_tui(args.lines, folder))
    result.update(bench_since(args.since_mb, folder))
    for key, value in result.items():
        print(f"{key:<28} {value:,.3f}" if isinstance(value, float) else f"{key:<28} {value:,}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
