"""--since with sources that can start at a time: Redis (from a millisecond id), NATS
JetStream (deliver by start time), Loki (``start``) and SSE (``--resume-param``), against
real servers."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator

import nats
import redis.asyncio as aioredis
from engines import EngineServer, Following
from loki_server import FakeLoki
from servers import LiveServer, follow, quick_backoff
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from logtail_tui.core.settings import Settings
from logtail_tui.core.time_range import parse_instant
from logtail_tui.sources.contract import State


async def test_redis_since_replays_entries_from_that_time(redis_engine: EngineServer) -> None:
    r = aioredis.Redis(port=redis_engine.port)
    await r.xadd("s", {"message": "old"})
    await asyncio.sleep(0.02)  # the ids' milliseconds must move on
    since = time.time()
    await asyncio.sleep(0.02)
    await r.xadd("s", {"message": "recent 1"})
    await r.xadd("s", {"message": "recent 2"})
    await r.aclose()
    url = f"redis://127.0.0.1:{redis_engine.port}/s"
    async with Following(url, Settings(follow=False, since=since)) as f:
        await f.until(lambda got: f.ended)
    assert f.got.texts == ["recent 1", "recent 2"], f.got.states
    # Control: without --since, --no-follow from "$" shows none of them.
    async with Following(url, Settings(follow=False)) as f:
        await f.until(lambda got: f.ended)
    assert f.got.texts == []


async def test_redis_explicit_from_wins_over_since(redis_engine: EngineServer) -> None:
    r = aioredis.Redis(port=redis_engine.port)
    await r.xadd("t", {"message": "first"})
    await r.aclose()
    url = f"redis://127.0.0.1:{redis_engine.port}/t?from=0"
    async with Following(url, Settings(follow=False, since=time.time() + 3600)) as f:
        await f.until(lambda got: f.ended)
    assert f.got.texts == ["first"]


async def test_nats_since_delivers_by_start_time(nats_engine: EngineServer) -> None:
    nc = await nats.connect(f"nats://127.0.0.1:{nats_engine.port}", allow_reconnect=False)
    js = nc.jetstream()
    await js.add_stream(name="LOGS", subjects=["logs.>"])
    await js.publish("logs.app", b"old")
    await asyncio.sleep(0.05)
    since = time.time()
    await asyncio.sleep(0.05)
    await js.publish("logs.app", b"recent 1")
    await js.publish("logs.app", b"recent 2")
    await nc.close()
    url = f"nats://127.0.0.1:{nats_engine.port}/logs.app?stream=LOGS"
    async with Following(url, Settings(follow=False, since=since)) as f:
        await f.until(lambda got: f.ended)
    assert f.got.texts == ["recent 1", "recent 2"], f.got.states
    assert f.got.final is not None and f.got.final.state is State.COMPLETED


async def test_loki_since_is_sent_as_start_in_nanoseconds() -> None:
    async with FakeLoki() as loki:
        old = loki.now() - 120 * 10**9
        loki.push({"app": "api"}, "two minutes ago", ns=old)
        loki.push({"app": "api"}, "now")
        since = (old + 60 * 10**9) / 1e9
        async with Following(loki.url('{app="api"}'), Settings(since=since)) as f:
            await f.until(lambda got: got.texts)
    assert f.got.texts == ["now"]
    assert int(loki.connections[0]["start"]) == int(since * 1e9)


async def test_sse_since_is_sent_as_the_resume_parameter() -> None:
    records = [
        {"message": f"step {i}", "log_type": "info", "created_at": f"2026-01-01T00:00:{i:02d}Z"}
        for i in range(10)
    ]
    seen: list[str | None] = []

    async def stream(request: Request) -> Response:
        since = request.query_params.get("since")
        seen.append(since)
        todo = [r for r in records if since is None or r["created_at"] >= since]

        async def body() -> AsyncIterator[bytes]:
            for rec in todo:
                yield f"event: log\ndata: {json.dumps(rec)}\n\n".encode()
            yield b'event: complete\ndata: {"message": "done"}\n\n'

        return StreamingResponse(body(), media_type="text/event-stream")

    since = parse_instant("2026-01-01T00:00:07Z")
    with LiveServer(Starlette(routes=[Route("/stream", stream)])) as server:
        got = await follow(
            server.url("/stream"),
            Settings(resume_param="since", since=since),
            backoff=quick_backoff,
        )
    assert seen == ["2026-01-01T00:00:07.000Z"]
    assert got.texts == ["step 7", "step 8", "step 9"]
