"""Line streams (NDJSON, text) that end: done, not refetched; cut off: resumed exactly once.
SSE ids sent back as UTF-8. All against a real uvicorn server."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator

from servers import LiveServer, follow, quick_backoff
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import State

RECORDS = [
    json.dumps({"time": f"2026-01-01T00:{i // 60:02d}:{i % 60:02d}Z", "level": "info", "msg": f"r{i}"})
    for i in range(500)
]
BODY = ("\n".join(RECORDS) + "\n").encode()


def app_of(handler) -> Starlette:
    return Starlette(routes=[Route("/logs", handler)])


def body(parts: list[bytes], then_fail: bool = False) -> AsyncIterator[bytes]:
    async def gen() -> AsyncIterator[bytes]:
        for part in parts:
            yield part
            await asyncio.sleep(0.01)
        if then_fail:
            # uvicorn drops the connection without the last chunk: a truncated body.
            raise RuntimeError("server crashed mid-body")

    return gen()


async def test_ndjson_stream_that_ends_is_printed_once_and_exits_0() -> None:
    hits: list[int] = []

    async def stream(request: Request) -> Response:
        hits.append(1)
        parts = [BODY[i : i + 4000] for i in range(0, len(BODY), 4000)]
        return StreamingResponse(body(parts), media_type="application/x-ndjson")

    with LiveServer(app_of(stream)) as server:
        proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "logtail_tui", "--plain", "--color", "never", server.url("/logs"),
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )  # fmt: skip
        out, err = await asyncio.wait_for(proc.communicate(), 30)
    lines = out.decode().splitlines()
    assert proc.returncode == 0, err.decode()
    assert len(lines) == 500
    assert [line.rsplit(" ", 1)[-1] for line in lines] == [f"r{i}" for i in range(500)]
    assert hits == [1]
    assert err.decode() == ""


async def test_text_stream_that_ends_completes_without_refetch() -> None:
    hits: list[int] = []

    async def stream(request: Request) -> Response:
        hits.append(1)
        return StreamingResponse(body([b"one\n", b"two\n"]), media_type="text/plain")

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/logs"))
    assert got.texts == ["one", "two"]
    assert got.final is not None and got.final.state is State.COMPLETED
    assert not got.of(State.RETRYING) and hits == [1]


async def test_a_truncated_body_reconnects_and_shows_every_record_once() -> None:
    hits: list[int] = []

    async def stream(request: Request) -> Response:
        hits.append(1)
        if len(hits) == 1:
            cut = BODY.index(b"r250") - 20  # mid-line: the rest of that line comes later
            return StreamingResponse(
                body([BODY[:1000], BODY[1000:cut]], then_fail=True), media_type="application/x-ndjson"
            )
        return StreamingResponse(body([BODY[:7000], BODY[7000:]]), media_type="application/x-ndjson")

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/logs"), backoff=quick_backoff, timeout=20)
    assert [r.text for r in got.records] == [f"r{i}" for i in range(500)]
    assert len(got.of(State.RETRYING)) == 1 and hits == [1, 1]
    assert got.final is not None and got.final.state is State.COMPLETED


async def test_a_different_body_after_a_cut_is_shown_whole() -> None:
    hits: list[int] = []

    async def stream(request: Request) -> Response:
        hits.append(1)
        if len(hits) == 1:
            return StreamingResponse(body([b"old 1\nold 2 cut"], then_fail=True), media_type="text/plain")
        return StreamingResponse(body([b"new 1\nnew 2\n"]), media_type="text/plain")

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/logs"), backoff=quick_backoff)
    assert got.texts == ["old 1", "old 2 cut", "new 1", "new 2"]


async def test_reconnect_flag_polls_and_shows_only_what_is_new() -> None:
    docs = [b"a\nb\n", b"a\nb\nc\n", b"a\nb\nc\nd\n"]
    hits: list[int] = []

    async def doc(request: Request) -> Response:
        hits.append(1)
        return Response(docs[min(len(hits), 3) - 1], media_type="text/plain")

    with LiveServer(app_of(doc)) as server:
        got = await follow(
            server.url("/logs"),
            Settings(reconnect=True),
            backoff=quick_backoff,
            until=lambda g: len(g.texts) >= 4,
        )
    assert got.texts == ["a", "b", "c", "d"]
    assert len(hits) >= 3


async def test_non_ascii_event_id_is_sent_back_as_utf8() -> None:
    seen: list[bytes | None] = []

    async def stream(request: Request) -> Response:
        raw = dict(request.scope["headers"]).get(b"last-event-id")
        seen.append(raw)
        if raw is None:
            text = "id: événement-7 ✓\ndata: first\n\n"
        else:
            text = "data: second\n\nevent: complete\ndata: done\n\n"
        return StreamingResponse(body([text.encode()]), media_type="text/event-stream")

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/logs"), backoff=quick_backoff)
    assert got.texts == ["first", "second"]
    assert seen == [None, "événement-7 ✓".encode()]
    assert got.final is not None and got.final.state is State.COMPLETED


def test_plain_exit_status_with_no_follow_on_a_cut_stream() -> None:
    # A cut body with --no-follow fails (exit 1) with one sentence, naming --no-follow.
    async def stream(request: Request) -> Response:
        return StreamingResponse(body([b"x\n"], then_fail=True), media_type="text/plain")

    with LiveServer(app_of(stream)) as server:
        proc = subprocess.run(
            [sys.executable, "-m", "logtail_tui", "--plain", "--no-follow", server.url("/logs")],
            capture_output=True, text=True, timeout=30, env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
    assert proc.returncode == 1
    assert proc.stdout == "x\n"
    assert proc.stderr.count("\n") == 1 and "--no-follow" in proc.stderr
