"""Benchmarks of the file adapter alone (no UI): prints figures, asserts nothing.

    python scripts/bench_file.py [--size-mb 200] [--appends 200] [--idle 10] [--watchfiles]

Measures:
- append -> yield latency (median / p95) of single appended lines while following;
- a 500k-line burst (~48 MiB) appended at once -> last line yielded;
- a big file opened with ``lines=1000`` and ``lines=None`` -> last line yielded;
- process CPU while following a quiet file (the Rust watcher thread included).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from pathlib import Path

from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import SourceSpec, State, StateChanged
from logtail_tui.sources.file import FileSource

LEVELS = ("INFO", "DEBUG", "WARN", "ERROR")


def log_line(i: int) -> str:
    return (
        f"2026-11-21T10:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z "
        f"{LEVELS[i % 4]} [worker-{i % 7}] processed job {i} in {i % 997} ms status=ok"
    )


def write_big(path: Path, size_mb: int) -> int:
    """A realistic log of about ``size_mb`` MiB; returns the number of lines."""
    target = size_mb << 20
    n = written = 0
    with open(path, "w") as f:
        while written < target:
            block = "".join(log_line(i) + "\n" for i in range(n, n + 10_000))
            f.write(block)
            written += len(block)
            n += 10_000
    return n


def spec(path: Path) -> SourceSpec:
    return SourceSpec(str(path), "file", str(path), str(path))


async def bench_latency(directory: Path, appends: int) -> tuple[float, float, float]:
    path = directory / "latency.log"
    path.write_text("start\n")
    source = FileSource(spec(path), Settings())
    seen: dict[str, float] = {}
    live = asyncio.Event()
    arrived = asyncio.Event()

    async def consume() -> None:
        async for event in source.events():
            if isinstance(event, Batch):
                now = time.perf_counter()
                for text in event.texts:
                    seen[text] = now
                arrived.set()
            elif isinstance(event, StateChanged) and event.state is State.LIVE:
                live.set()

    task = asyncio.create_task(consume())
    await live.wait()
    await asyncio.sleep(0.3)  # let the directory watch start before measuring
    samples = []
    with open(path, "a") as f:
        for i in range(appends):
            marker = f"append {i}"
            arrived.clear()
            t0 = time.perf_counter()
            f.write(marker + "\n")
            f.flush()
            while marker not in seen:
                await asyncio.wait_for(arrived.wait(), 5)
                arrived.clear()
            samples.append((seen[marker] - t0) * 1000)
            await asyncio.sleep(0.01 + (i % 5) * 0.003)  # spaced, like a real quiet log
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await source.aclose()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], samples[-1]


async def bench_burst(directory: Path, n: int = 500_000) -> tuple[float, int]:
    path = directory / "burst.log"
    path.write_text("")
    payload = "".join(log_line(i) + "\n" for i in range(n)).encode()
    source = FileSource(spec(path), Settings())
    last = log_line(n - 1)
    done = asyncio.Event()
    live = asyncio.Event()
    count = 0

    async def consume() -> None:
        nonlocal count
        async for event in source.events():
            if isinstance(event, Batch):
                count += len(event)
                if event.texts[-1] == last:
                    done.set()
            elif isinstance(event, StateChanged) and event.state is State.LIVE:
                live.set()

    task = asyncio.create_task(consume())
    await live.wait()
    await asyncio.sleep(0.3)
    t0 = time.perf_counter()
    with open(path, "ab") as f:
        f.write(payload)
    await asyncio.wait_for(done.wait(), 60)
    elapsed = time.perf_counter() - t0
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await source.aclose()
    return elapsed, len(payload)


async def bench_open(path: Path, lines: int | None, last: str) -> tuple[float, int, int, float]:
    """Time to the last line, lines and bytes read, and the worst event-loop stall (ms)."""
    source = FileSource(spec(path), Settings(lines=lines, follow=False))
    count = 0
    worst = 0.0

    async def ticker() -> None:
        nonlocal worst
        while True:
            before = time.perf_counter()
            await asyncio.sleep(0.001)
            worst = max(worst, time.perf_counter() - before)

    tick = asyncio.create_task(ticker())
    await asyncio.sleep(0.01)
    t0 = time.perf_counter()
    elapsed = float("nan")
    async for event in source.events():
        if isinstance(event, Batch):
            count += len(event)
            if event.texts[-1] == last:
                elapsed = time.perf_counter() - t0
    tick.cancel()
    await source.aclose()
    return elapsed, count, source.bytes_read, worst * 1000


async def bench_idle(directory: Path, seconds: float) -> float:
    path = directory / "quiet.log"
    path.write_text("nothing happens here\n")
    source = FileSource(spec(path), Settings())
    live = asyncio.Event()

    async def consume() -> None:
        async for event in source.events():
            if isinstance(event, StateChanged) and event.state is State.LIVE:
                live.set()

    task = asyncio.create_task(consume())
    await live.wait()
    await asyncio.sleep(0.5)
    cpu0, wall0 = time.process_time(), time.perf_counter()
    await asyncio.sleep(seconds)
    cpu = time.process_time() - cpu0
    wall = time.perf_counter() - wall0
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    await source.aclose()
    return 100 * cpu / wall


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size-mb", type=int, default=200)
    parser.add_argument("--appends", type=int, default=200)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument(
        "--watchfiles", action="store_true", help="use the watchfiles backend, not inotify"
    )
    args = parser.parse_args()
    FileSource.use_inotify = not args.watchfiles
    print(f"directory watch: {'watchfiles' if args.watchfiles else 'inotify (Linux)'}")
    with tempfile.TemporaryDirectory(prefix="bench_file_") as tmp:
        directory = Path(tmp)

        med, p95, worst = await bench_latency(directory, args.appends)
        print(
            f"append -> yield latency over {args.appends} appends: "
            f"median {med:.2f} ms, p95 {p95:.2f} ms, max {worst:.2f} ms"
        )

        elapsed, size = await bench_burst(directory)
        print(f"500k-line burst ({size / 2**20:.0f} MiB) -> last line yielded: {elapsed:.2f} s")

        big = directory / "big.log"
        n = write_big(big, args.size_mb)
        size_mb = big.stat().st_size / 2**20
        last = log_line(n - 1)
        os.sync()
        for lines in (1000, None):
            elapsed, count, read, stall = await bench_open(big, lines, last)
            label = "all" if lines is None else lines
            print(
                f"{size_mb:.0f} MiB file, lines={label}: last line after {elapsed:.3f} s "
                f"({count} lines, {read / 2**20:.1f} MiB read, worst loop stall {stall:.0f} ms)"
            )

        cpu = await bench_idle(directory, args.idle)
        print(f"idle CPU following a quiet file for {args.idle:.0f} s: {cpu:.2f} %")


if __name__ == "__main__":
    asyncio.run(main())


def byte_compile() -> None:
    """Byte-compile logtail as installing it does (pip compiles on install), so that a start
    measured from a checkout does not also compile every module (as it would where
    PYTHONDONTWRITEBYTECODE is set)."""
    import compileall

    import logtail_tui

    compileall.compile_dir(os.path.dirname(logtail_tui.__file__), quiet=1)
