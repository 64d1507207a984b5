"""End-to-end plain-mode throughput for the Loki and OTLP sources (issue #11 figures).

Loki: a minimal tail server on 127.0.0.1 sends N entries (messages of 1,000, as Loki
batches them) and closes normally; `logtail --plain --no-follow loki://...` writes them to
/dev/null. Timed from process start to exit, so start-up is included.

OTLP: `logtail --plain otlp://127.0.0.1:PORT` listens; four senders post N log records
in requests of 1,000 (protobuf, then JSON); stdout goes to a pipe that this script only
counts newlines on. Timed from the first request to the N-th line.

Run: python scripts/bench_engines_lo.py [N]
"""

from __future__ import annotations

import asyncio
import json
import socket
import sys
import time

import httpx
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest
from websockets.asyncio.server import ServerConnection, serve

N = int(sys.argv[1]) if len(sys.argv) > 1 else 200_000
PER_MESSAGE = 1000
LOGTAIL = [sys.executable, "-m", "logtail_tui", "--plain", "--color", "never"]


# -- Loki
def loki_messages(kind: str) -> list[str]:
    base = time.time_ns() - 60 * 10**9
    out = []
    for start in range(0, N, PER_MESSAGE):
        values = []
        for i in range(start, min(N, start + PER_MESSAGE)):
            if kind == "json":
                line = json.dumps({"level": "info", "msg": f"event {i}", "user": "bob"})
            else:
                line = f"2026-01-01T00:00:00Z INFO event {i} from the api"
            values.append([str(base + i), line])
        out.append(json.dumps({"streams": [{"stream": {"app": "api"}, "values": values}]}))
    return out


async def bench_loki(kind: str) -> None:
    messages = loki_messages(kind)

    async def handler(ws: ServerConnection) -> None:
        for m in messages:
            await ws.send(m)
        await ws.close(1000, "reached tail max duration limit")

    async with serve(handler, "127.0.0.1", 0, max_size=None) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        url = f'loki://127.0.0.1:{port}/?query={{app="api"}}'
        t = time.perf_counter()
        proc = await asyncio.create_subprocess_exec(
            *LOGTAIL, "--no-follow", url,
            stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _, err = await proc.communicate()
        t = time.perf_counter() - t
    print(
        f"Loki {kind:5} plain -> /dev/null: {N:,} entries in {t:.2f} s = {N / t:,.0f} records/s "
        f"(rc={proc.returncode}, incl. start-up) {err.decode()[:200]}"
    )


# -- OTLP
def otlp_bodies(kind: str) -> list[bytes]:
    bodies = []
    for start in range(0, N, PER_MESSAGE):
        records = [
            {
                "timeUnixNano": str(1_700_000_000_000_000_000 + i),
                "severityNumber": 9,
                "severityText": "INFO",
                "body": {"stringValue": f"event {i} from the api"},
            }
            for i in range(start, min(N, start + PER_MESSAGE))
        ]
        service = {"key": "service.name", "value": {"stringValue": "api"}}
        request = {
            "resourceLogs": [
                {"resource": {"attributes": [service]}, "scopeLogs": [{"logRecords": records}]}
            ]
        }
        if kind == "json":
            bodies.append(json.dumps(request).encode())
            continue
        message = ExportLogsServiceRequest()
        rl = message.resource_logs.add()
        attr = rl.resource.attributes.add()
        attr.key, attr.value.string_value = "service.name", "api"
        sl = rl.scope_logs.add()
        for r in records:
            lr = sl.log_records.add()
            lr.time_unix_nano = int(r["timeUnixNano"])  # type: ignore[call-overload]
            lr.severity_number = 9
            lr.severity_text = "INFO"
            lr.body.string_value = r["body"]["stringValue"]  # type: ignore[index]
        bodies.append(message.SerializeToString())
    return bodies


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def bench_otlp(kind: str) -> None:
    bodies = otlp_bodies(kind)
    ctype = "application/json" if kind == "json" else "application/x-protobuf"
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        *LOGTAIL, f"otlp://127.0.0.1:{port}",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    url = f"http://127.0.0.1:{port}/v1/logs"
    async with httpx.AsyncClient(timeout=30) as client:
        while True:  # until it listens
            try:
                await client.get(url)
                break
            except httpx.ConnectError:
                await asyncio.sleep(0.05)
        queue = list(reversed(bodies))
        statuses: list[int] = []

        async def sender() -> None:
            while queue:
                body = queue.pop()
                while True:
                    resp = await client.post(url, content=body, headers={"Content-Type": ctype})
                    statuses.append(resp.status_code)
                    if resp.status_code != 503:
                        break
                    await asyncio.sleep(0.05)  # the receiver asked us to retry

        async def count() -> None:
            seen = 0
            while seen < N:
                chunk = await proc.stdout.read(1 << 16)  # type: ignore[union-attr]
                if not chunk:
                    raise SystemExit("logtail ended early")
                seen += chunk.count(b"\n")

        t = time.perf_counter()
        await asyncio.gather(count(), *(sender() for _ in range(4)))
        t = time.perf_counter() - t
    proc.terminate()
    _, err = await proc.communicate()
    retried = statuses.count(503)
    print(
        f"OTLP {kind:5} plain -> pipe: {N:,} records in {t:.2f} s = {N / t:,.0f} records/s "
        f"({len(bodies)} requests of {PER_MESSAGE}, {retried} answered 503 and retried) "
        f"{err.decode()[:200]}"
    )


async def main() -> None:
    await bench_loki("text")
    await bench_loki("json")
    await bench_otlp("proto")
    await bench_otlp("json")


if __name__ == "__main__":
    asyncio.run(main())
