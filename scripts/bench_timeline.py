"""Time column and timeline on a big scrollback: build speed in lines per second.

Fills a store with N stream lines (ISO times, four levels), then times building the time
column (`store.times_between` over everything: one `parse_times` call per chunk), counting
the timeline (`TimelineIndex.update`, which reads that column and the level column) and
folding it into 200 buckets.

Run: python scripts/bench_timeline.py [--lines 1000000]
"""

from __future__ import annotations

import argparse
import time

from logtail_tui.core.parse import LineParser
from logtail_tui.core.store import LogStore
from logtail_tui.core.timeline import TimelineIndex

LEVELS = ("INFO", "DEBUG", "WARN", "ERROR")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    args = parser.parse_args()
    n, block = args.lines, 100_000
    store = LogStore(n)
    line_parser = LineParser()
    for start in range(0, n, block):
        store.extend(
            line_parser.parse(
                [
                    f"2026-12-01T{i // 3600 % 24:02d}:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z"
                    f" {LEVELS[i % 4]} [worker] job {i} done in {i % 97} ms"
                    for i in range(start, min(n, start + block))
                ]
            )
        )
    # As the TUI does it: column and counts together, a step at a time (keys wait a step).
    fresh = TimelineIndex(store)
    steps = []
    t0 = time.perf_counter()
    last = t0
    for _ in fresh.update():
        now = time.perf_counter()
        steps.append(now - last)
        last = now
    t1 = time.perf_counter()
    for chunk, _, _ in store.pieces(store.first, store.end):
        chunk.times = None
    t2 = time.perf_counter()
    store.times_between(store.first, store.end)
    t3 = time.perf_counter()
    index = TimelineIndex(store)
    for _ in index.update():
        pass
    t4 = time.perf_counter()
    index.buckets(200)
    t5 = time.perf_counter()
    print(
        f"timeline from nothing (time column + counts): {n:,} lines in {t1 - t0:.2f} s, "
        f"{len(steps)} steps, longest {max(steps) * 1000:.0f} ms (what a key may wait)"
    )
    print(f"time column alone: {t3 - t2:.2f} s ({n / (t3 - t2):,.0f} lines/s)")
    print(f"timeline counts (column built): {t4 - t3:.2f} s ({n / (t4 - t3):,.0f} lines/s)")
    print(f"fold into 200 buckets: {(t5 - t4) * 1000:.1f} ms ({len(index.slots)} slots)")


if __name__ == "__main__":
    main()
