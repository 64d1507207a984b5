"""WebSocketSource against a real ``websockets`` server on 127.0.0.1 (docs/architecture.md, "Wire formats")."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import socket
import ssl
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from http import HTTPStatus
from typing import Any

import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from logtail_tui.core.errors import SourceError
from logtail_tui.core.record import Batch, Level, Record
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import Heartbeat, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.hub import Hub
from logtail_tui.sources.websocket import WebSocketSource

pytestmark = pytest.mark.timeout(20)

Handler = Callable[[ServerConnection], Awaitable[None]]


def log_msg(
    message: str, level: str = "INFO", ts: str = "2026-01-01T00:00:00Z", extra: bool = False
) -> str:
    data: dict[str, Any] = {"level": level, "message": message, "timestamp": ts}
    if extra:
        data |= {"subtask_id": "st-1", "metadata": {"k": 1}}
    return json.dumps({"type": "log", "data": data})


@contextlib.asynccontextmanager
async def server(handler: Handler, **kwargs: Any) -> AsyncIterator[str]:
    async with serve(handler, "127.0.0.1", 0, **kwargs) as srv:
        port = srv.sockets[0].getsockname()[1]
        yield f"ws://127.0.0.1:{port}/ws/tasks/t1"


class Run:
    """A Hub over one WebSocket source, recording every event."""

    def __init__(self, url: str, settings: Settings, fast: bool = True) -> None:
        self.events: list[SourceEvent] = []
        spec = registry.resolve(url, settings)

        def factory(spec: SourceSpec, settings: Settings) -> WebSocketSource:
            # A quick policy keeps reconnect tests short; the rate test uses the real one.
            backoff = Backoff(base=0.05, floor=0.05, retries=settings.retries) if fast else None
            return WebSocketSource(spec, settings, backoff=backoff)

        self.hub = Hub([spec], settings, lambda _i, ev: self.events.append(ev), factory)

    async def until_done(self, timeout: float = 10) -> None:
        self.hub.start()
        try:
            async with asyncio.timeout(timeout):
                await self.hub.wait()
        finally:
            await self.hub.aclose()

    @property
    def records(self) -> list[Record]:
        return [r for ev in self.events if isinstance(ev, Batch) for r in ev.records()]

    @property
    def texts(self) -> list[str]:
        return [r.text for r in self.records]

    @property
    def states(self) -> list[StateChanged]:
        return [ev for ev in self.events if isinstance(ev, StateChanged)]

    @property
    def final(self) -> StateChanged:
        return self.states[-1]


async def run(url: str, settings: Settings | None = None, **kwargs: Any) -> Run:
    r = Run(url, settings or Settings(), **kwargs)
    await r.until_done()
    return r


async def test_log_messages_become_records_with_level_and_time() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(log_msg("starting", "INFO", "2026-01-01T00:00:01Z", extra=True))
        await ws.send(log_msg("disk nearly full", "WARNING", "2026-01-01T00:00:02Z"))
        await ws.send(log_msg("boom", "ERROR", "2026-01-01T00:00:03Z"))
        await ws.close(1000, "task finished")

    async with server(handler) as url:
        r = await run(url)
    assert r.texts[1:] == ["disk nearly full", "boom"]
    # Other fields follow the message as key=value (the parser's format).
    assert r.texts[0].startswith("starting") and "subtask_id=st-1" in r.texts[0]
    assert [rec.level for rec in r.records] == [Level.INFO, Level.WARNING, Level.ERROR]
    assert [rec.time for rec in r.records][2] == "2026-01-01T00:00:03Z"
    assert '"subtask_id": "st-1"' in (r.records[0].raw or "")
    assert [s.state for s in r.states] == [State.CONNECTING, State.LIVE, State.COMPLETED]
    assert "1000" in r.final.detail


async def test_control_messages_are_hidden_and_app_ping_gets_pong() -> None:
    got: list[Any] = []

    async def handler(ws: ServerConnection) -> None:
        for kind in ("subscribed", "heartbeat", "pong"):
            await ws.send(json.dumps({"type": kind}))
        await ws.send(log_msg("before ping"))
        await ws.send(json.dumps({"type": "ping"}))
        got.append(json.loads(await asyncio.wait_for(ws.recv(), 5)))
        await ws.send(log_msg("after pong"))
        await ws.close()

    async with server(handler) as url:
        r = await run(url)
    assert got == [{"type": "pong"}]
    assert r.texts == ["before ping", "after pong"]
    assert r.final.state is State.COMPLETED


async def test_heartbeat_event_for_control_only_traffic() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send(json.dumps({"type": "heartbeat", "ts": 1}))
        await ws.recv()  # the --send message proves the client has read the heartbeat
        await ws.close()

    async with server(handler) as url:
        r = await run(url, Settings(send=("hello",)))
    assert any(isinstance(ev, Heartbeat) for ev in r.events)
    assert r.records == []


async def test_text_binary_and_other_json_frames() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send("plain line one\n2026-01-01 ERROR line two\n")
        await ws.send(b"binary \xff line\nsecond binary")
        await ws.send(json.dumps({"msg": "bare object", "level": "debug"}))
        await ws.send(json.dumps({"type": "error", "message": "task crashed"}))
        await ws.send(json.dumps({"type": "progress", "percent": 40}))
        await ws.send("")
        await ws.close()

    async with server(handler) as url:
        r = await run(url)
    assert r.texts[:-1] == [
        "plain line one",
        "2026-01-01 ERROR line two",
        "binary \ufffd line",
        "second binary",
        "bare object",
        "task crashed",
    ]
    # Unknown JSON is shown, not hidden: as the parser renders objects, raw kept.
    assert "progress" in r.texts[-1] and "40" in r.texts[-1]
    assert r.records[-1].raw == '{"type": "progress", "percent": 40}'
    levels = [rec.level for rec in r.records]
    assert levels[1] == Level.ERROR and levels[4] == Level.DEBUG and levels[5] == Level.ERROR


async def test_hostile_content_is_sanitised() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send("evil \x1b]0;title\x07 \x1b[2J text\x00")
        await ws.send(log_msg("json \x1b[31mred\x1b[0m \x07bell"))
        await ws.close()

    async with server(handler) as url:
        r = await run(url)
    assert len(r.texts) == 2
    for text in r.texts:
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text), repr(text)


async def test_two_mib_message_arrives_whole() -> None:
    big = "x" * (2 * 2**20)

    async def handler(ws: ServerConnection) -> None:
        await ws.send(log_msg(big))
        await ws.send("after")
        await ws.close()

    async with server(handler, max_size=None) as url:
        r = await run(url)
    assert r.texts[0] == big
    assert r.texts[-1] == "after"
    assert r.final.state is State.COMPLETED


async def test_message_over_16_mib_fails_clearly_without_retry() -> None:
    connections = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal connections
        connections += 1
        await ws.send("y" * (17 * 2**20))
        await ws.wait_closed()

    async with server(handler, max_size=None) as url:
        r = await run(url)
    assert r.final.state is State.FAILED
    assert "16 MiB" in r.final.detail
    assert connections == 1


async def test_send_is_sent_on_connect_and_after_reconnect() -> None:
    received: list[list[str]] = []

    async def handler(ws: ServerConnection) -> None:
        msgs = [await asyncio.wait_for(ws.recv(), 5) for _ in range(2)]
        received.append(msgs)
        await ws.send(log_msg(f"conn {len(received)}"))
        await ws.close(1011 if len(received) == 1 else 1000)

    sub = json.dumps({"action": "subscribe", "task_id": "t1"})
    async with server(handler) as url:
        r = await run(url, Settings(send=(sub, "second")))
    assert received == [[sub, "second"], [sub, "second"]]
    assert r.texts == ["conn 1", "conn 2"]


async def test_close_1011_retries_and_loses_nothing() -> None:
    conns = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal conns
        conns += 1
        base = (conns - 1) * 500
        for i in range(500):
            await ws.send(log_msg(f"m{base + i}"))
        await ws.close(1011 if conns == 1 else 1000, "worker crashed" if conns == 1 else "")

    async with server(handler) as url:
        r = await run(url)
    assert r.texts == [f"m{i}" for i in range(1000)]
    retrying = [s for s in r.states if s.state is State.RETRYING]
    assert len(retrying) == 1
    assert "1011" in retrying[0].detail and "worker crashed" in retrying[0].detail
    assert retrying[0].retry_in is not None and retrying[0].attempt == 1
    assert r.final.state is State.COMPLETED


async def test_close_1008_fails_with_reason_and_no_retry() -> None:
    conns = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal conns
        conns += 1
        await ws.close(1008, "task not found")

    async with server(handler) as url:
        r = await run(url)
    assert r.final.state is State.FAILED
    assert "1008" in r.final.detail and "task not found" in r.final.detail
    assert not any(s.state is State.RETRYING for s in r.states)
    assert conns == 1


@pytest.mark.parametrize(
    ("code", "retried"), [(1002, False), (4004, False), (4403, False), (1012, True), (4000, True)]
)
async def test_close_code_policy(code: int, retried: bool) -> None:
    conns = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal conns
        conns += 1
        await ws.close(code if conns == 1 else 1000, "why")

    async with server(handler) as url:
        r = await run(url)
    assert (conns == 2) is retried
    assert r.final.state is (State.COMPLETED if retried else State.FAILED)
    if not retried:
        assert str(code) in r.final.detail


async def test_accept_then_drop_reconnects_at_most_about_once_a_second() -> None:
    stamps: list[float] = []

    async def handler(ws: ServerConnection) -> None:
        stamps.append(time.monotonic())
        ws.transport.abort()

    async with server(handler) as url:
        r = Run(url, Settings(), fast=False)
        r.hub.start()
        await asyncio.sleep(2.5)  # the observation window of a rate, not synchronisation
        await r.hub.aclose()
    assert 2 <= len(stamps) <= 3, stamps
    gaps = [b - a for a, b in itertools.pairwise(stamps)]
    assert min(gaps) >= 0.8, gaps
    retrying = [s for s in r.states if s.state is State.RETRYING]
    assert retrying and all("1006" in s.detail for s in retrying)


@pytest.mark.parametrize(
    ("status", "words"),
    [(401, "not authenticated"), (403, "not allowed"), (404, "not found"), (400, "400 Bad Request")],
)
async def test_handshake_refusals_are_permanent_with_distinct_messages(
    status: int, words: str
) -> None:
    attempts = 0

    def process_request(conn: ServerConnection, request: Request) -> Response:
        nonlocal attempts
        attempts += 1
        return conn.respond(HTTPStatus(status), "no\n")

    async def handler(ws: ServerConnection) -> None:
        raise AssertionError("handshake should have been refused")

    async with server(handler, process_request=process_request) as url:
        r = await run(url)
    assert r.final.state is State.FAILED
    assert words in r.final.detail
    assert "ws://127.0.0.1" in r.final.detail
    assert attempts == 1


async def test_handshake_503_is_retried() -> None:
    attempts = 0

    def process_request(conn: ServerConnection, request: Request) -> Response | None:
        nonlocal attempts
        attempts += 1
        return conn.respond(HTTPStatus.SERVICE_UNAVAILABLE, "busy\n") if attempts == 1 else None

    async def handler(ws: ServerConnection) -> None:
        await ws.send("finally")
        await ws.close()

    async with server(handler, process_request=process_request) as url:
        r = await run(url)
    assert r.texts == ["finally"]
    retrying = [s for s in r.states if s.state is State.RETRYING]
    assert len(retrying) == 1 and "503 Service Unavailable" in retrying[0].detail


async def test_headers_and_bearer_token_reach_the_server() -> None:
    seen: list[Any] = []

    def process_request(conn: ServerConnection, request: Request) -> None:
        seen.append(request.headers)

    async def handler(ws: ServerConnection) -> None:
        await ws.close()

    settings = Settings(headers=(("X-Team", "blue"),), token="tok-123")
    async with server(handler, process_request=process_request) as url:
        r = await run(url, settings)
    assert r.final.state is State.COMPLETED
    assert seen[0]["Authorization"] == "Bearer tok-123"
    assert seen[0]["X-Team"] == "blue"
    assert seen[0]["User-Agent"].startswith("logtail/")


async def test_token_param_is_sent_but_never_shown() -> None:
    token = "s3cr3t-t0ken"
    paths: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        paths.append(ws.request.path)
        code = 1011 if len(paths) == 1 else 1008
        await ws.close(code, f"bad token {token}")

    settings = Settings(token=token, token_param="token")
    async with server(handler) as url:
        spec = registry.resolve(url, settings)
        source = WebSocketSource(spec, settings, backoff=Backoff(base=0.05, floor=0.05))
        events: list[SourceEvent] = []
        with pytest.raises(SourceError) as info:
            async with source:
                async for ev in source.events():
                    events.append(ev)
    assert all(f"token={token}" in p for p in paths) and len(paths) == 2
    details = [ev.detail for ev in events if isinstance(ev, StateChanged)]
    assert any("1011" in d for d in details)
    assert token not in " ".join(details)
    assert token not in str(info.value) and "1008" in str(info.value)
    assert token not in spec.label


async def test_retries_give_up_on_refused_connection() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = await run(f"ws://127.0.0.1:{port}/x", Settings(retries=2))
    retrying = [s for s in r.states if s.state is State.RETRYING]
    assert [s.attempt for s in retrying] == [1, 2]
    assert all("refused" in s.detail for s in retrying)
    assert r.final.state is State.FAILED and "Gave up after 2 retries" in r.final.detail


async def test_no_follow_does_not_reconnect() -> None:
    conns = 0

    async def handler(ws: ServerConnection) -> None:
        nonlocal conns
        conns += 1
        await ws.send("only line")
        ws.transport.abort()

    async with server(handler) as url:
        r = await run(url, Settings(follow=False))
    assert r.texts == ["only line"]
    assert r.final.state is State.FAILED and "--no-follow" in r.final.detail
    assert conns == 1


async def test_no_follow_completes_on_normal_close_and_fails_on_refused() -> None:
    async def handler(ws: ServerConnection) -> None:
        await ws.send("done")
        await ws.close()

    async with server(handler) as url:
        r = await run(url, Settings(follow=False))
    assert r.texts == ["done"] and r.final.state is State.COMPLETED

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    r = await run(f"ws://127.0.0.1:{port}/x", Settings(follow=False))
    assert r.final.state is State.FAILED and "refused" in r.final.detail
    assert not any(s.state is State.RETRYING for s in r.states)


async def test_resume_param_carries_last_timestamp_on_reconnect() -> None:
    paths: list[str] = []

    async def handler(ws: ServerConnection) -> None:
        paths.append(ws.request.path)
        await ws.send(log_msg("a", ts="2026-01-01T00:00:05Z"))
        await ws.close(1011 if len(paths) == 1 else 1000)

    async with server(handler) as url:
        await run(url, Settings(resume_param="since"))
    assert len(paths) == 2
    assert "since" not in paths[0]
    assert "since=2026-01-01T00%3A00%3A05Z" in paths[1]


async def test_a_burst_becomes_few_large_batches() -> None:
    n = 20_000

    async def handler(ws: ServerConnection) -> None:
        for i in range(n):
            await ws.send(f"line {i}")
        await ws.close()

    async with server(handler) as url:
        r = await run(url)
    assert r.texts == [f"line {i}" for i in range(n)]
    batches = [ev for ev in r.events if isinstance(ev, Batch)]
    assert len(batches) < n // 20, len(batches)


async def test_log_envelopes_with_lists_strings_and_text_format() -> None:
    async def handler(ws: ServerConnection) -> None:
        items = [{"message": "one", "level": "warn"}, {"message": "two"}, "three"]
        await ws.send(json.dumps({"type": "logs", "data": items}))
        await ws.send(json.dumps({"type": "log", "data": "four\nfive\n"}))
        await ws.close()

    async with server(handler) as url:
        r = await run(url)
    assert r.texts == ["one", "two", "three", "four", "five"]
    assert r.records[0].level == Level.WARNING

    async def raw_handler(ws: ServerConnection) -> None:
        await ws.send(log_msg("kept raw"))
        await ws.send(json.dumps({"type": "heartbeat"}))
        await ws.close()

    async with server(raw_handler) as url:
        r = await run(url, Settings(format="text"))
    # --format text shows the JSON as it came; control messages stay hidden.
    assert r.texts == [log_msg("kept raw")]


@pytest.mark.parametrize("mode", ["cacert", "insecure", "unverified"])
async def test_wss_with_cacert_insecure_and_unknown_certificate(
    tls_files: tuple[str, str], mode: str
) -> None:
    cert, key = tls_files
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert, key)

    async def handler(ws: ServerConnection) -> None:
        await ws.send("over tls")
        await ws.close()

    settings = {
        "cacert": Settings(cacert=cert),
        "insecure": Settings(insecure=True),
        "unverified": Settings(),
    }[mode]
    async with server(handler, ssl=server_ctx) as url:
        r = await run(url.replace("ws://", "wss://"), settings)
    if mode == "unverified":
        assert r.final.state is State.FAILED
        assert "--cacert" in r.final.detail and "certificate" in r.final.detail
        assert not any(s.state is State.RETRYING for s in r.states)
    else:
        assert r.texts == ["over tls"] and r.final.state is State.COMPLETED


async def test_silent_handshake_times_out_and_is_retried() -> None:
    accepted = 0

    async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal accepted
        accepted += 1
        await reader.read()  # never answers the upgrade request
        writer.close()

    tcp = await asyncio.start_server(silent, "127.0.0.1", 0)
    async with tcp:
        port = tcp.sockets[0].getsockname()[1]
        r = await run(f"ws://127.0.0.1:{port}/x", Settings(timeout=0.3, retries=1))
    assert accepted == 2
    retrying = [s for s in r.states if s.state is State.RETRYING]
    assert len(retrying) == 1 and "no answer within 0.3 s" in retrying[0].detail
    assert r.final.state is State.FAILED and "Gave up after 1 retries" in r.final.detail
