"""End-to-end throughput of the HTTP adapter: prints figures, asserts nothing.

    python scripts/bench_network.py [--events 200000] [--repeat 3]

A real uvicorn server on 127.0.0.1 emits N SSE events as fast as it can (text, JSON and
typed ``log`` events in turn), and the same N records as NDJSON and as plain text;
`HttpSource` consumes each through the `Hub`, as the app does. Figures are records per
second from the request to the last record delivered to the sink. Server and client share
the machine (and its 2 cores), so the figures are a lower bound for the client alone.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import SourceEvent, StateChanged
from logtail_tui.sources.hub import Hub
from tests.servers import LiveServer

BLOCK = 2000
"""Events per write on the server side, so the server is not the bottleneck."""


def sse_event(i: int, shape: str) -> str:
    if shape == "text":
        return f"id: {i}\ndata: 2026-11-21T10:00:00.{i % 1000:03d}Z INFO worker-{i % 7} job {i} done\n\n"
    if shape == "json":
        return f'id: {i}\ndata: {{"level": "info", "msg": "job {i} done", "worker": {i % 7}}}\n\n'
    rec = {
        "id": f"id-{i}",
        "step_name": "build",
        "log_type": "coding",
        "message": f"compiled unit {i}",
        "created_at": "2026-11-21T10:00:00Z",
        "progress_percentage": i % 100,
        "metadata": {},
    }
    return f"event: log\ndata: {json.dumps(rec)}\n\n"


def line(i: int, shape: str) -> str:
    if shape == "ndjson":
        return json.dumps(
            {"timestamp": "2026-11-21T10:00:00Z", "level": "I", "message": f"job {i}"}
        )
    return f"2026-11-21T10:00:00.{i % 1000:03d}Z INFO worker-{i % 7} job {i} done"


def make_app(n: int) -> Starlette:
    async def sse(request: Request) -> Response:
        shape = request.path_params["shape"]

        async def body() -> AsyncIterator[bytes]:
            for start in range(0, n, BLOCK):
                end = min(n, start + BLOCK)
                yield "".join(sse_event(i, shape) for i in range(start, end)).encode()
            yield b'event: complete\ndata: {"message": "done"}\n\n'

        return StreamingResponse(body(), media_type="text/event-stream")

    async def lines(request: Request) -> Response:
        shape = request.path_params["shape"]
        ctype = "application/x-ndjson" if shape == "ndjson" else "text/plain"

        async def body() -> AsyncIterator[bytes]:
            for start in range(0, n, BLOCK):
                end = min(n, start + BLOCK)
                yield "".join(line(i, shape) + "\n" for i in range(start, end)).encode()

        return StreamingResponse(body(), media_type=ctype)

    return Starlette(routes=[Route("/sse/{shape}", sse), Route("/lines/{shape}", lines)])


async def consume(url: str, n: int) -> tuple[float, int]:
    """Seconds until ``n`` records reached the sink, and how many batches carried them."""
    settings = Settings(follow=False)
    spec = registry.resolve(url, settings)
    got = batches = 0
    done = asyncio.Event()

    def sink(_i: int, event: SourceEvent) -> None:
        nonlocal got, batches
        if isinstance(event, Batch):
            got += len(event)
            batches += 1
            if got >= n:
                done.set()
        elif isinstance(event, StateChanged) and event.state.final:
            done.set()

    hub = Hub([spec], settings, sink)
    t0 = time.perf_counter()
    hub.start()
    await asyncio.wait_for(done.wait(), 300)
    elapsed = time.perf_counter() - t0
    await hub.aclose()
    if got != n:
        raise SystemExit(f"expected {n} records from {url}, got {got}")
    return elapsed, batches


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    n = args.events
    with LiveServer(make_app(n)) as server:
        print(f"HTTP adapter, {n} records per run, best of {args.repeat} (server on the same host)")
        for path, name in [
            ("/sse/text", "SSE, text data with id"),
            ("/sse/json", "SSE, JSON data with id"),
            ("/sse/typed", "SSE, typed log events"),
            ("/lines/ndjson", "NDJSON"),
            ("/lines/text", "chunked text/plain"),
        ]:
            runs = [await consume(server.url(path), n) for _ in range(args.repeat)]
            best, batches = min(runs)
            print(f"  {name:28s} {n / best:>10,.0f} records/s  ({best:.2f} s, {batches} batches)")


if __name__ == "__main__":
    asyncio.run(main())
