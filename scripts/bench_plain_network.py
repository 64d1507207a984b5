"""End-to-end plain-mode throughput to /dev/null for SSE, NDJSON and WebSocket.

Starts a local HTTP server (uvicorn) and a websockets server on 127.0.0.1, runs
`logtail --plain --no-follow URL > /dev/null` against each (NDJSON also without
--no-follow: a stream that ends must end the run) and prints records/s, including
process start-up. Run: python scripts/bench_plain_network.py
"""

import asyncio
import json
import subprocess
import sys
import threading
import time

import uvicorn
from starlette.applications import Starlette
from starlette.responses import StreamingResponse
from starlette.routing import Route
from websockets.asyncio.server import serve

N = 200_000


def sse_body():
    chunk = []
    for i in range(N):
        chunk.append(f"id: {i}\ndata: 2026-01-01T00:00:00Z INFO event {i} from the broker\n\n")
        if len(chunk) == 2000:
            yield "".join(chunk).encode()
            chunk = []
    yield "".join(chunk).encode()


async def sse(request):
    return StreamingResponse(sse_body(), media_type="text/event-stream")


def ndjson_body():
    for i in range(0, N, 2000):
        yield "".join(
            f'{{"time":"2026-01-01T00:00:00Z","level":"info","msg":"event {j}"}}\n'
            for j in range(i, min(N, i + 2000))
        ).encode()


async def ndjson(request):
    return StreamingResponse(ndjson_body(), media_type="application/x-ndjson")


app = Starlette(routes=[Route("/s", sse), Route("/n", ndjson)])
config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
server = uvicorn.Server(config)
threading.Thread(target=server.run, daemon=True).start()
while not server.started:
    time.sleep(0.05)
port = server.servers[0].sockets[0].getsockname()[1]


def timed(url, extra=("--no-follow",)):
    t = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "logtail_tui", "--plain", *extra, url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    return time.perf_counter() - t, out.returncode, out.stderr.strip()[:200]


t, rc, err = timed(f"http://127.0.0.1:{port}/s")
print(f"SSE plain -> /dev/null: {N} events in {t:.2f} s = {N / t:,.0f} events/s (rc={rc}) {err}")
t, rc, err = timed(f"http://127.0.0.1:{port}/n", extra=())
print(f"NDJSON plain (following) -> /dev/null: {N} records in {t:.2f} s = {N / t:,.0f} records/s (rc={rc}) {err}")


async def ws_main():
    async def handler(ws):
        for i in range(0, N, 1000):
            for j in range(i, i + 1000):
                await ws.send(
                    json.dumps(
                        {
                            "type": "log",
                            "data": {
                                "level": "INFO",
                                "message": f"event {j}",
                                "timestamp": "2026-01-01T00:00:00Z",
                            },
                        }
                    )
                )
        await ws.close(1000)

    async with serve(handler, "127.0.0.1", 0, max_size=2**24) as s:
        p = next(iter(s.sockets)).getsockname()[1]
        t = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "logtail_tui",
            "--plain",
            "--no-follow",
            f"ws://127.0.0.1:{p}/",
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await proc.communicate()
        t = time.perf_counter() - t
        print(
            f"WebSocket plain -> /dev/null: {N} JSON messages in {t:.2f} s = {N / t:,.0f} msgs/s (rc={proc.returncode}) {err.decode()[:200]}"
        )


asyncio.run(ws_main())
server.should_exit = True
