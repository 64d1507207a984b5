"""What a ``-w/--where`` field filter costs over a 1M-line scrollback.

Three stores: JSON records from a stream (parsed, in sealed stream chunks), logfmt records
likewise, and an access log read in bulk (file chunks: raw lines, parsed only when asked).
For each, CPU seconds (``time.process_time``) of a whole re-filter (``View.refilter``, as
the TUI runs it in steps), the longest step (how long keys wait), and for comparison the
naive loop that parses every line.

    python scripts/bench_where.py [--lines 1000000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import random
from collections.abc import Callable, Iterator

from bench_filter import measure, run  # the same timing helpers (scripts/ is on the path)

from logtail_tui.core.bulk import LevelIndexer
from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.parse import LineParser
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View
from logtail_tui.core.where_eval import Where

SERVICES = ["api", "auth", "billing", "worker", "gateway"]
PATHS = ["/api/v1/orders", "/api/v1/users/42", "/healthz", "/api/v2/search", "/login"]
STATUS = [200] * 80 + [201] * 8 + [404] * 8 + [500] * 2 + [503] * 2
LEVELS = ["debug"] * 20 + ["info"] * 60 + ["warn"] * 12 + ["error"] * 8


def records(rng: random.Random, n: int) -> Iterator[dict[str, object]]:
    for i in range(n):
        yield {
            "time": f"2026-12-01T10:{i // 60000 % 60:02d}:{i // 1000 % 60:02d}.{i % 1000:03d}Z",
            "level": rng.choice(LEVELS),
            "msg": "request handled",
            "svc": rng.choice(SERVICES),
            "path": rng.choice(PATHS),
            "status": rng.choice(STATUS),
            "duration_ms": rng.randint(1, 2500),
        }


def json_lines(n: int) -> list[str]:
    return [json.dumps(r, separators=(",", ":")) for r in records(random.Random(1), n)]


def logfmt_lines(n: int) -> list[str]:
    return [
        " ".join(f"{k}={v}" if k != "msg" else f'{k}="{v}"' for k, v in r.items())
        for r in records(random.Random(2), n)
    ]


def access_lines(n: int) -> list[str]:
    rng = random.Random(3)
    return [
        f"10.0.{i % 250}.{rng.randint(1, 250)} - - [01/Dec/2026:10:{i // 60000 % 60:02d}:"
        f'{i // 1000 % 60:02d} +0000] "GET {rng.choice(PATHS)} HTTP/1.1" {rng.choice(STATUS)} '
        f'{rng.randint(100, 99999)} "-" "curl/8.4"'
        for i in range(n)
    ]


def stream_store(lines: list[str]) -> LogStore:
    store = LogStore(len(lines) + 1)
    parser = LineParser()
    for k in range(0, len(lines), 65_536):
        store.extend(parser.parse(lines[k : k + 65_536]))
    return store


def file_store(lines: list[str]) -> LogStore:
    store = LogStore(len(lines) + 1)
    indexer = LevelIndexer()
    for k in range(0, len(lines), 65_536):
        part = lines[k : k + 65_536]
        blob = "\n".join(part).encode()
        levels, _ = indexer.levels(blob, len(part))
        chunk = FileChunk(levels, LineParser(), blob=blob)
        store.add_chunk(chunk, 0)
    return store


def refilter(store: LogStore, expr: str) -> Callable[[], float]:
    line_filter = LineFilter(where=Where.build(expr))

    def job() -> float:
        view = View(store)
        worst = run(view.refilter(line_filter))
        job.shown = len(view)  # type: ignore[attr-defined]
        return worst

    return job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="run the stores whose title has this text")
    args = parser.parse_args()
    n, repeat = args.lines, args.repeat
    print(f"{n:,} lines a store; best of {repeat}, CPU seconds")
    cases = {
        "JSON stream records": (stream_store, json_lines),
        "logfmt stream records": (stream_store, logfmt_lines),
        "JSON file read in bulk (file chunks)": (file_store, json_lines),
        "access log read in bulk (file chunks)": (file_store, access_lines),
    }
    for title, (build, make) in cases.items():
        if args.only not in title:
            continue
        lines = make(n)
        store = build(lines)
        print(f"{title} ({sum(map(len, lines)) / n:.0f} chars a line):")
        for expr in (
            "status>=500",
            "svc=billing",
            "path~^/api/v2 and duration_ms>2000",
            "level>=error and status>=500",
            "status>=500 or method=POST",
        ):
            job = refilter(store, expr)
            measure(f"-w '{expr}'", job, repeat)
            print(f"  {'':<46} {job.shown:,} shown")  # type: ignore[attr-defined]
        where = Where.build("status>=500")
        measure(
            "naive: Where.matches on every line",
            lambda lines=lines, where=where: len([t for t in lines if where.matches(t)]) and None,
            1,
        )


if __name__ == "__main__":
    main()
