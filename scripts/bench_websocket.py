"""End-to-end WebSocket throughput: a local ``websockets`` server -> WebSocketSource -> Hub.

The server runs in its own process (as a real one would), sends N messages as fast as it
can and closes with 1000; the figure is records delivered to the Hub's sink per second,
from the first record to the last.

Usage::

    python scripts/bench_websocket.py [--messages 200000] [--kind json|text|both]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import subprocess
import sys
import time

from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import SourceEvent, State, StateChanged
from logtail_tui.sources.hub import Hub

LEVELS = ("INFO", "DEBUG", "WARNING", "ERROR")


def payloads(kind: str, n: int) -> list[str]:
    """``n`` realistic messages: task-log JSON (~230 bytes) or plain text lines (~90 bytes)."""
    out = []
    for i in range(n):
        if kind == "json":
            data = {
                "level": LEVELS[i % 4],
                "message": f"step {i % 97} processed batch {i} in {i % 13} ms for worker-{i % 8}",
                "timestamp": f"2026-01-01T00:{i // 60 % 60:02d}:{i % 60:02d}.{i % 1000:03d}Z",
                "subtask_id": f"sub-{i % 31}",
                "metadata": {"attempt": 1},
            }
            out.append(json.dumps({"type": "log", "data": data}))
        else:
            out.append(f"2026-01-01T00:00:00Z {LEVELS[i % 4]} worker-{i % 8} processed batch {i}")
    return out


async def serve(kind: str, n: int) -> None:
    from websockets.asyncio.server import ServerConnection
    from websockets.asyncio.server import serve as ws_serve

    messages = payloads(kind, n)

    async def handler(ws: ServerConnection) -> None:
        for m in messages:
            await ws.send(m)
        await ws.close()

    async with ws_serve(handler, "127.0.0.1", 0, compression=None) as server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()


async def measure(port: int, n: int) -> dict[str, float]:
    done = asyncio.Event()
    stats = {"records": 0, "batches": 0, "first": 0.0, "last": 0.0}

    def sink(_index: int, event: SourceEvent) -> None:
        if isinstance(event, Batch):
            now = time.perf_counter()
            if not stats["records"]:
                stats["first"] = now
            stats["records"] += len(event)
            stats["batches"] += 1
            stats["last"] = now
        elif isinstance(event, StateChanged) and event.state in (State.COMPLETED, State.FAILED):
            done.set()

    settings = Settings()
    spec = registry.resolve(f"ws://127.0.0.1:{port}/ws/tasks/bench", settings)
    hub = Hub([spec], settings, sink)
    start = time.perf_counter()
    hub.start()
    await asyncio.wait_for(done.wait(), 300)
    await hub.aclose()
    if stats["records"] != n:
        raise SystemExit(f"expected {n} records, got {stats['records']:.0f}: {hub.states[0]}")
    stats["total"] = stats["last"] - start
    return stats


async def baseline(port: int, n: int) -> float:
    """Messages/s of a bare ``recv()`` loop: the ceiling websockets itself allows here."""
    from websockets.asyncio.client import connect
    from websockets.exceptions import ConnectionClosed

    count, first = 0, 0.0
    async with connect(f"ws://127.0.0.1:{port}/", max_size=2**24, max_queue=64) as ws:
        with contextlib.suppress(ConnectionClosed):
            while True:
                await ws.recv()
                count += 1
                if count == 1:
                    first = time.perf_counter()
    if count != n:
        raise SystemExit(f"baseline: expected {n} messages, got {count}")
    return n / (time.perf_counter() - first)


def run(kind: str, n: int) -> None:
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", kind, "--messages", str(n)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        stats = asyncio.run(measure(port, n))
        bare = asyncio.run(baseline(port, n))
    finally:
        server.terminate()
        server.wait()
    span = stats["last"] - stats["first"]
    rate = n / span if span > 0 else float("inf")
    print(
        f"{kind:>4}: {n} messages in {stats['total']:.2f} s (connect included), "
        f"{rate:,.0f} msgs/s first-to-last record through adapter and Hub, "
        f"{stats['batches']:.0f} batches (avg {n / stats['batches']:.0f} records/batch); "
        f"bare websockets recv() loop on the same server: {bare:,.0f} msgs/s "
        f"({rate / bare:.0%})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=200_000)
    parser.add_argument("--kind", choices=("json", "text", "both"), default="both")
    parser.add_argument("--serve", choices=("json", "text"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.serve, args.messages))
        return
    for kind in ("json", "text") if args.kind == "both" else (args.kind,):
        run(kind, args.messages)


if __name__ == "__main__":
    main()
