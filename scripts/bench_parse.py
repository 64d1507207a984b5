"""Throughput of the core text pipeline: decoder MB/s and parser lines/s.

Prints figures only (timings never gate tests). Run: ``python scripts/bench_parse.py``.
Each figure is the best of a few rounds of CPU time (``process_time``: other jobs on the
machine skew wall-clock figures), on ~100-character lines like a typical app log.
"""

from __future__ import annotations

import gc
import json
import random
import time
from collections.abc import Callable

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.parse import LineParser
from logtail_tui.core.times import parse_times

N = 200_000
BATCH = 5_000
ROUNDS = 3
LEVELS = ["INFO"] * 6 + ["DEBUG"] * 2 + ["WARN", "ERROR"]


def text_lines(rng: random.Random) -> list[str]:
    return [
        f"2026-11-21T10:{i // 3600 % 60:02d}:{i // 60 % 60:02d}.{i % 1000:03d}Z {rng.choice(LEVELS):5} "
        f"[worker-{i % 8}] GET /api/v1/items/{i} -> 200 in {rng.randint(1, 900)}ms user=u{i % 97}"
        for i in range(N)
    ]


def plain_lines(rng: random.Random) -> list[str]:
    return [
        f"building target {i}: compiled {rng.randint(1, 99)} files, linked module number {i % 7}"
        for i in range(N)
    ]


def json_lines(rng: random.Random) -> list[str]:
    return [
        json.dumps(
            {
                "ts": 1_763_700_000 + i / 1000,
                "level": rng.choice(LEVELS).lower(),
                "msg": f"request {i} served",
                "path": f"/api/v1/items/{i}",
                "status": 200,
            }
        )
        for i in range(N)
    ]


def logfmt_lines(rng: random.Random) -> list[str]:
    return [
        f"time=2026-11-21T10:00:{i % 60:02d}Z level={rng.choice(LEVELS).lower()} "
        f'msg="request {i} served" path=/api/v1/items/{i} status=200'
        for i in range(N)
    ]


def ansi_lines(rng: random.Random) -> list[str]:
    return [f"\x1b[32m{line}\x1b[0m" for line in text_lines(rng)[: N // 4]]


def best(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(ROUNDS):
        gc.collect()
        start = time.process_time()
        fn()
        times.append(time.process_time() - start)
    return min(times)


def bench_parse(name: str, lines: list[str], fmt: str = "auto") -> None:
    batches = [lines[i : i + BATCH] for i in range(0, len(lines), BATCH)]

    def run() -> None:
        parser = LineParser(fmt)
        for batch in batches:
            parser.parse(batch)

    seconds = best(run)
    print(f"parse {name:<28} {len(lines) / seconds / 1e6:6.2f} M lines/s")


def bench_times(name: str, lines: list[str]) -> None:
    seconds = best(lambda: parse_times(lines))
    print(f"times {name:<28} {len(lines) / seconds / 1e6:6.2f} M lines/s")


def syslog_lines() -> list[str]:
    return [
        f"Dec  1 02:{i // 60 % 60:02d}:{i % 60:02d} host sshd[{i}]: session opened"
        for i in range(N)
    ]


def bench_decoder(lines: list[str]) -> None:
    data = ("\n".join(lines) + "\n").encode()
    chunks = [data[i : i + 65_536] for i in range(0, len(data), 65_536)]

    def run() -> None:
        decoder = LineDecoder()
        for chunk in chunks:
            decoder.decode(chunk)
        decoder.flush()

    seconds = best(run)
    print(
        f"decode 64 KiB chunks            {len(data) / seconds / 1e6:6.0f} MB/s "
        f"({len(lines) / seconds / 1e6:.2f} M lines/s)"
    )


def bench_burst(lines: list[str]) -> None:
    """The README's burst figure: 500k lines through decoder and parser, as the file source does."""
    burst = (lines * (500_000 // len(lines) + 1))[:500_000]
    data = ("\n".join(burst) + "\n").encode()
    step = 1 << 20
    chunks = [data[i : i + step] for i in range(0, len(data), step)]

    def run() -> None:
        decoder, parser = LineDecoder(), LineParser()
        for chunk in chunks:
            parser.parse(decoder.decode(chunk))

    seconds = best(run)
    print(f"burst: 500k lines ({len(data) / 2**20:.0f} MiB), decode+parse  {seconds:6.2f} s CPU")


def main() -> None:
    rng = random.Random(1)
    text = text_lines(rng)
    print(f"{N} lines a run, batches of {BATCH}, best of {ROUNDS}")
    bench_parse("text, level words (auto)", text)
    bench_parse("text, level words (text)", text, "text")
    bench_parse("text, no level words (auto)", plain_lines(rng))
    bench_parse("text, ANSI colours (auto)", ansi_lines(rng))
    bench_parse("JSON (auto)", json_lines(rng))
    bench_parse("logfmt (auto)", logfmt_lines(rng))
    bench_times("ISO 8601 with fraction", text)
    bench_times("syslog (year inferred)", syslog_lines())
    bench_times("no time", plain_lines(rng))
    bench_decoder(text)
    bench_burst(text)


if __name__ == "__main__":
    main()
