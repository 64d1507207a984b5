"""End-to-end plain-mode throughput for the Redis Streams and NATS sources (issue #11).

Starts a private ``redis-server`` and ``nats-server -js`` on free loopback ports and
measures records per second written by ``logtail --plain`` to a pipe this script reads
(and counts) or to /dev/null:

- replay: N entries already stored, ``--no-follow ...from=0`` / ``deliver=all``, to
  /dev/null, process start-up included;
- live: logtail follows, this script then writes N entries as fast as the engine takes
  them and times from logtail's first output line to its N-th;
- beside the engine's own CLI where installed (``redis-cli XREAD``, ``nats sub``).

Run: python scripts/bench_engines.py [--n 200000] [--json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nats
import redis.asyncio as aioredis


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(argv: list[str], port: int, cwd: Path) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(500):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
            return proc
        except OSError:
            time.sleep(0.02)
    raise SystemExit(f"{argv[0]} did not start")


def payload(i: int, as_json: bool) -> str:
    if as_json:
        return json.dumps({"ts": "2026-01-01T00:00:00Z", "level": "info", "msg": f"event {i}"})
    return f"2026-01-01T00:00:00Z INFO event {i} from the engine"


def logtail(url: str, *extra: str) -> list[str]:
    return [sys.executable, "-m", "logtail_tui", "--plain", "--color", "never", *extra, url]


def timed_replay(url: str) -> tuple[float, int]:
    t = time.perf_counter()
    done = subprocess.run(logtail(url, "--no-follow"), stdout=subprocess.DEVNULL)
    return time.perf_counter() - t, done.returncode


async def timed_live(url: str, n: int, produce) -> float:  # type: ignore[no-untyped-def]
    """Follow ``url``, run ``produce()`` (returns its own duration), and time logtail's
    first to n-th output line."""
    proc = await asyncio.create_subprocess_exec(
        *logtail(url), stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.DEVNULL
    )
    await asyncio.sleep(2.0)  # start-up and subscription (not part of the figure)
    producer = asyncio.create_task(produce())
    assert proc.stdout is not None
    seen, first = 0, 0.0
    while seen < n:
        chunk = await proc.stdout.read(1 << 20)
        if not chunk:
            break
        if not seen:
            first = time.perf_counter()
        seen += chunk.count(b"\n")
    elapsed = time.perf_counter() - first
    await producer
    print(f"  (the producer took {producer.result():.2f} s: logtail cannot beat that rate)")
    proc.terminate()
    await proc.wait()
    if seen < n:
        raise SystemExit(f"logtail printed {seen} of {n} lines")
    return elapsed


def report(what: str, n: int, seconds: float) -> None:
    print(f"{what:<58} {n:>8} in {seconds:6.2f} s = {n / seconds:>10,.0f} records/s")


async def bench_redis(n: int, as_json: bool, folder: Path) -> None:
    port = free_port()
    server = start(
        ["redis-server", "--port", str(port), "--save", "", "--appendonly", "no"], port, folder
    )
    try:
        r = aioredis.Redis(port=port)

        async def fill(stream: str) -> float:
            t = time.perf_counter()
            for base in range(0, n, 5000):
                pipe = r.pipeline(transaction=False)
                for i in range(base, min(n, base + 5000)):
                    pipe.xadd(stream, {"message": payload(i, as_json)})
                await pipe.execute()
            return time.perf_counter() - t

        await fill("replay")
        seconds, rc = timed_replay(f"redis://127.0.0.1:{port}/replay?from=0")
        report(f"redis replay --no-follow > /dev/null (rc={rc}, start-up incl.)", n, seconds)
        seconds = await timed_live(f"redis://127.0.0.1:{port}/live", n, lambda: fill("live"))
        report("redis live XADD -> logtail -> pipe", n, seconds)
        if shutil.which("redis-cli"):
            t = time.perf_counter()
            subprocess.run(
                ["redis-cli", "-p", str(port), "XREAD", "COUNT", str(n), "STREAMS", "replay", "0"],
                stdout=subprocess.DEVNULL,
                check=True,
            )
            report("redis-cli XREAD COUNT n STREAMS replay 0 > /dev/null", n, time.perf_counter() - t)
        await r.aclose()
    finally:
        server.kill()
        server.wait()


async def bench_nats(n: int, as_json: bool, folder: Path) -> None:
    port = free_port()
    (folder / "js").mkdir()
    server = start(
        ["nats-server", "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(folder / "js")],
        port,
        folder,
    )
    try:
        nc = await nats.connect(f"nats://127.0.0.1:{port}")
        js = nc.jetstream()
        await js.add_stream(name="BENCH", subjects=["bench.>"])
        for base in range(0, n, 2000):
            acks = [
                js.publish("bench.a", payload(i, as_json).encode())
                for i in range(base, min(n, base + 2000))
            ]
            await asyncio.gather(*acks)
        seconds, rc = timed_replay(f"nats://127.0.0.1:{port}/bench.a?stream=BENCH&deliver=all")
        report(f"nats JetStream replay --no-follow > /dev/null (rc={rc})", n, seconds)

        async def publish_core() -> float:
            t = time.perf_counter()
            for i in range(n):
                await nc.publish("live.x", payload(i, as_json).encode())
                if i % 1000 == 999:
                    await nc.flush()
            await nc.flush()
            return time.perf_counter() - t

        seconds = await timed_live(f"nats://127.0.0.1:{port}/live.x", n, publish_core)
        report("nats core publish -> logtail -> pipe", n, seconds)
        if shutil.which("nats"):
            print("nats CLI found: compare with `nats sub live.x` by hand")
        else:
            print("(nats CLI not installed: no `nats sub` figure)")
        await nc.close()
    finally:
        server.kill()
        server.wait()


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--json", action="store_true", help="JSON payloads instead of text")
    args = parser.parse_args()
    kind = "JSON" if args.json else "text"
    print(f"{args.n} {kind} records per run")
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "redis").mkdir()
        await bench_redis(args.n, args.json, Path(tmp) / "redis")
        (Path(tmp) / "nats").mkdir()
        await bench_nats(args.n, args.json, Path(tmp) / "nats")


if __name__ == "__main__":
    asyncio.run(main())
