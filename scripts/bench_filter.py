"""Benchmark the filter and search engine over a 1M-line store (target: <= 0.3 s).

Prints CPU seconds (``time.process_time``) for each operation, the longest single chunk
(how long the UI would wait between two turns) and, for comparison, the naive per-line
``pattern.search`` loop.

    python scripts/bench_filter.py [--lines 1000000] [--repeat 3] [--traces]

``--traces`` gives every 10th error a three-line stack trace, so filters decide multi-line
records (docs/architecture.md, "Records").
"""

from __future__ import annotations

import argparse
import gc
import random
import re
import time
from collections.abc import Callable, Iterator

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.search import SearchIndex, SearchQuery
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View

SERVICES = ["api", "auth", "billing", "db-proxy", "worker", "scheduler", "gateway"]
PATHS = ["/api/v1/orders", "/api/v1/users/42", "/healthz", "/api/v2/search?q=shoes", "/login"]
MESSAGES = [
    "GET {path} 200 {ms}ms user={user} bytes={bytes}",
    "POST {path} 201 {ms}ms user={user} request_id={rid}",
    "db query took {ms}ms rows={rows} table=orders pool=primary",
    "cache miss key=session:{rid} ttl=300 backend=redis-{n}",
    "upstream timeout after {ms}ms host=payments-{n}.internal retry={n}/3",
    "health check ok latency={ms}ms",
    "worker {n} picked job {rid} queue=emails attempts={n}",
    "connection reset by peer addr=10.0.{n}.{rows} during TLS handshake",
]
LEVELS = [
    (Level.DEBUG, "DEBUG", 20),
    (Level.INFO, "INFO", 60),
    (Level.WARNING, "WARN", 12),
    (Level.ERROR, "ERROR", 7),
    (Level.CRITICAL, "FATAL", 1),
]


def make_batch(rng: random.Random, start: int, count: int) -> Batch:
    """``count`` realistic ~100-character lines with mixed levels."""
    kinds = rng.choices(LEVELS, weights=[w for *_, w in LEVELS], k=count)
    texts = []
    for i, (_level, label, _w) in enumerate(kinds):
        n = start + i
        msg = rng.choice(MESSAGES).format(
            path=rng.choice(PATHS),
            ms=rng.randint(1, 2500),
            user=rng.randint(1, 99999),
            bytes=rng.randint(100, 99999),
            rid=f"{rng.getrandbits(48):012x}",
            rows=rng.randint(0, 500),
            n=rng.randint(1, 9),
        )
        ts = f"2026-11-21T10:{n // 60000 % 60:02d}:{n // 1000 % 60:02d}.{n % 1000:03d}Z"
        texts.append(f"{ts} {label:<5} [{rng.choice(SERVICES)}] {msg}")
    if start == 0:
        texts[count // 2] += " checksum mismatch in segment 77"  # the rare word
    return Batch(texts, [lv for lv, *_ in kinds])


def with_traces(batch: Batch) -> Batch:
    """``batch`` with a stack trace after every 10th error, parsed (record starts and all)."""
    texts: list[str] = []
    errors = 0
    for text, level in zip(batch.texts, batch.levels, strict=True):
        texts.append(text)
        if level == Level.ERROR:
            errors += 1
            if errors % 10 == 0:
                texts.append("java.lang.IllegalStateException: pool exhausted")
                texts.append("\tat com.shop.Pool.take(Pool.java:88)")
                texts.append("\tat com.shop.Api.handle(Api.java:12)")
    return LineParser().parse(texts[: len(batch)])


def run(steps: Iterator[float]) -> float:
    """Exhaust a chunked job; return the longest CPU time spent between two yields."""
    worst = 0.0
    t = time.process_time()
    for _ in steps:
        now = time.process_time()
        worst = max(worst, now - t)
        t = now
    return max(worst, time.process_time() - t)


def measure(label: str, job: Callable[[], float | None], repeat: int) -> None:
    best, worst_chunk = float("inf"), 0.0
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        chunk = job()
        best = min(best, time.process_time() - t0)
        worst_chunk = chunk if chunk is not None else worst_chunk
    extra = f"   longest chunk {worst_chunk * 1000:5.1f} ms" if worst_chunk else ""
    print(f"  {label:<46} {best:6.3f} s{extra}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--traces", action="store_true", help="add multi-line records")
    args = parser.parse_args()
    n, repeat = args.lines, args.repeat

    rng = random.Random(42)
    store = LogStore(n)
    batch = make_batch(rng, 0, n)
    if args.traces:
        batch = with_traces(batch)
    store.extend(batch)
    avg = sum(map(len, batch.texts)) / n
    print(f"store: {n:,} lines, {avg:.0f} chars a line; best of {repeat}, CPU seconds")

    print("refilter (View.refilter, from no filter):")
    filters = {
        "include /timeout/": LineFilter.build(include=["timeout"]),
        "include /took \\d+ms/ (regex)": LineFilter.build(include=[r"took \d+ms"]),
        "exclude /health/": LineFilter.build(exclude=["health"]),
        "level >= warning": LineFilter.build(Level.WARNING),
        "level>=warn +/api|db/ -/healthz/": LineFilter.build(
            Level.WARNING, [r"api|db"], ["healthz"]
        ),
        "level>=info +/(?i)timeout/ -/10\\.0\\./": LineFilter.build(
            Level.INFO, ["(?i)timeout"], [r"10\.0\."]
        ),
        "level>=info +/(?i)ERROR|timeout/ -/10\\.0\\./": LineFilter.build(
            Level.INFO, ["(?i)ERROR|timeout"], [r"10\.0\."]
        ),
    }
    for label, line_filter in filters.items():

        def job(line_filter: LineFilter = line_filter) -> float:
            view = View(store)
            return run(view.refilter(line_filter))

        measure(label, job, repeat)

    view = View(store)
    print("search (SearchIndex.build over the unfiltered view):")
    for label, (text, regex) in {
        "plain word 'timeout' (smart case: ignore case)": ("timeout", False),
        "plain word 'Timeout' (case-sensitive)": ("Timeout", False),
        "regex 'user=\\d+7 ' ": (r"user=\d+7 ", True),
        "regex 'GET .* 200' ": (r"GET .* 200", True),
        "rare word 'checksum'": ("checksum", False),
    }.items():
        query = SearchQuery.parse(text, regex)

        def search_job(query: SearchQuery = query) -> float:
            return run(SearchIndex(view, query).build())

        measure(label, search_job, repeat)

    filtered = View(store, LineFilter.build(Level.WARNING))
    measure(
        "rare word over a level>=warn view",
        lambda: run(SearchIndex(filtered, SearchQuery.parse("checksum")).build()),
        repeat,
    )

    print("incremental (after appending 10k lines, evicting 10k):")
    view = View(store, LineFilter.build(Level.WARNING, [r"api|db"], ["healthz"]))
    index = SearchIndex(view, SearchQuery.parse("timeout"))
    index.build_now()
    more = [make_batch(rng, n + k * 10_000, 10_000) for k in range(repeat)]
    if args.traces:
        more = [with_traces(b) for b in more]
    times = []
    for b in more:
        store.extend(b)
        t0 = time.process_time()
        view.sync()
        t1 = time.process_time()
        index.sync()
        times.append((t1 - t0, time.process_time() - t1))
    print(f"  {'View.sync':<46} {min(t for t, _ in times):6.3f} s")
    print(f"  {'SearchIndex.sync':<46} {min(t for _, t in times):6.3f} s")

    print("for comparison, naive per-line loops:")
    texts, levels = batch.texts, batch.levels
    pattern = re.compile("timeout")
    measure(
        "[n for t in texts if pattern.search(t)] timeout",
        lambda: len([i for i, t in enumerate(texts) if pattern.search(t)]) and None,
        repeat,
    )
    ipattern = re.compile("timeout", re.IGNORECASE)
    measure(
        "same, re.IGNORECASE",
        lambda: len([i for i, t in enumerate(texts) if ipattern.search(t)]) and None,
        repeat,
    )
    warn = LineFilter.build(Level.WARNING)
    measure(
        "LineFilter.matches per line, level>=warn",
        lambda: len([i for i, t in enumerate(texts) if warn.matches(t, levels[i])]) and None,
        repeat,
    )


if __name__ == "__main__":
    main()
