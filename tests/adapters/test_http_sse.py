"""The HTTP adapter against real SSE servers (uvicorn on 127.0.0.1:0), plus the parser.

Shapes are those of docs/architecture.md, "Wire formats": typed events, data-only snapshots, generic
brokers; and the EventSource rules (Last-Event-ID, retry:, stop on 204/4xx).
"""

from __future__ import annotations

import asyncio
import itertools
import json
import random
import time
from collections.abc import AsyncIterator

from servers import LiveServer, follow, quick_backoff
from sse_starlette import EventSourceResponse, ServerSentEvent
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from logtail_tui.core.parse import level_of
from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import State
from logtail_tui.sources.sse import SSEParser

SSE = "text/event-stream"


def ids_of(got) -> list[object]:
    """The ``id`` of every structured record shown, in order."""
    return [json.loads(r.raw)["id"] for r in got.records]


def app_of(handler, path: str = "/stream") -> Starlette:
    return Starlette(routes=[Route(path, handler)])


def sse_body(chunks: list[str], hold: float = 0.0) -> AsyncIterator[bytes]:
    """Sends raw SSE text chunks; ``hold`` keeps the stream open afterwards."""

    async def gen() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk.encode()
            await asyncio.sleep(0)
        if hold:
            await asyncio.sleep(hold)

    return gen()


# -- the parser, pure ---------------------------------------------------------------------


def test_parser_line_ends_split_across_chunks_and_bom() -> None:
    p = SSEParser()
    stream = "\ufeffdata: a\r\n\r\ndata: b\r\rdata: c\n\n".encode()
    events = []
    for i in range(len(stream)):  # one byte at a time: CR/LF and UTF-8 split everywhere
        events += p.feed(stream[i : i + 1])
    assert [(e.event, e.data) for e in events] == [
        ("message", "a"),
        ("message", "b"),
        ("message", "c"),
    ]


def test_parser_fields_per_whatwg() -> None:
    p = SSEParser()
    events = p.feed_text(
        ": keep-alive\n"
        "retry: 2500\n"
        "retry: soon\n"  # not digits: ignored
        "id: 7\n"
        "event: log\n"
        "data: one\n"
        "data:two\n"
        "data\n"  # a field with no colon: empty data line
        "\n"
        "id: bad\0id\n"  # NUL: ignored
        "data: next\n\n"
        "id: 9\n\n"  # no data: not dispatched, but the id counts
        "event: ignored-without-data\n\n"
    )
    assert [tuple(e) for e in events] == [("log", "one\ntwo\n", "7"), ("message", "next", "7")]
    assert p.last_event_id == "9"
    assert p.retry == 2500
    assert p.comments == 1


def test_parser_drops_an_event_cut_off_by_a_reconnect() -> None:
    p = SSEParser()
    assert p.feed_text("id: 1\ndata: whole\n\nid: 2\ndata: cut") == [("message", "whole", "1")]
    p.reset()
    assert p.last_event_id == "1"
    assert p.feed_text("id: 2\ndata: again\n\n") == [("message", "again", "2")]


# -- typed events ---------------------------------------------------------------------------


def typed_log(i: int, log_type: str = "info", step: str = "build") -> dict[str, object]:
    return {
        "id": f"00000000-0000-0000-0000-{i:012d}",
        "step_name": step,
        "log_type": log_type,
        "message": f"step {i}",
        "created_at": f"2026-01-01T00:00:{i:02d}Z",
        "progress_percentage": i,
        "metadata": {},
    }


async def test_typed_events_map_to_records_heartbeats_errors_and_completion() -> None:
    hits = []

    async def stream(request: Request) -> Response:
        hits.append(request.headers.get("authorization"))

        async def events() -> AsyncIterator[ServerSentEvent]:
            yield ServerSentEvent(json.dumps(typed_log(1, "thinking", "plan")), event="log")
            yield ServerSentEvent(
                json.dumps({"timestamp": "2026-01-01T00:00:01Z"}), event="heartbeat"
            )
            yield ServerSentEvent(json.dumps(typed_log(2, "error")), event="log")
            yield ServerSentEvent(json.dumps(typed_log(3, "success")), event="log")
            yield ServerSentEvent(json.dumps({"error": "disk \x1b[31mfull"}), event="error")
            yield ServerSentEvent(json.dumps({"message": "Task completed"}), event="complete")
            await asyncio.sleep(30)  # the client must stop by itself

        return EventSourceResponse(events())

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"), Settings(token="tok-123"))

    assert hits == ["Bearer tok-123"]  # complete means no reconnect
    recs = got.records
    assert [r.text.split(" id=")[0] for r in recs] == ["step 1", "step 2", "step 3", "disk full"]
    assert "step_name=plan" in recs[0].text  # shown as a field
    assert "\x1b" not in recs[3].text  # ANSI escape removed by the sanitiser
    assert [r.level for r in recs] == [level_of("thinking"), Level.ERROR, Level.NOTICE, Level.ERROR]
    assert recs[0].time == "2026-01-01T00:00:01Z"
    assert got.heartbeats >= 1
    assert any("server error: disk full" in s.detail for s in got.of(State.LIVE))
    assert got.final is not None and got.final.state is State.COMPLETED
    assert got.final.detail == "Task completed"


async def test_timeout_event_and_resume_param_lose_and_double_nothing() -> None:
    total, per_connection = 20, 6
    records = [typed_log(i) for i in range(total)]
    seen_since: list[str | None] = []

    async def stream(request: Request) -> Response:
        since = request.query_params.get("since")
        seen_since.append(since)
        # Inclusive, as real servers are: the last record shown comes again.
        todo = [r for r in records if since is None or r["created_at"] >= since]

        async def body() -> AsyncIterator[bytes]:
            for rec in todo[:per_connection]:
                yield f"event: log\ndata: {json.dumps(rec)}\n\n".encode()
            if len(todo) > per_connection:
                yield b'event: timeout\ndata: {"message": "Stream timeout reached"}\n\n'
                await asyncio.sleep(30)  # the client must reconnect on the event alone
            else:
                yield b'event: complete\ndata: {"message": "Task completed"}\n\n'

        return StreamingResponse(body(), media_type=SSE)

    with LiveServer(app_of(stream)) as server:
        got = await follow(
            server.url("/stream?timeout=30"), Settings(resume_param="since"), backoff=quick_backoff
        )

    assert ids_of(got) == [r["id"] for r in records]
    assert seen_since[0] is None and len(seen_since) >= 4
    assert seen_since[1] == records[per_connection - 1]["created_at"]
    assert got.final is not None and got.final.state is State.COMPLETED
    # A timeout event is not a failure: the backoff never grew.
    assert all(s.attempt == 0 for s in got.of(State.RETRYING))


# -- data-only snapshots ----------------------------------------------------------------------


async def test_delta_payloads_join_lines_split_across_messages() -> None:
    payloads = [
        {"logs": "line one\nline t", "status": "running"},
        {"logs": "wo\nERROR line three\n", "status": "running"},
        {"logs": "line four\n", "status": "completed", "final": True},
    ]

    async def stream(request: Request) -> Response:
        return StreamingResponse(
            sse_body([f"data: {json.dumps(p)}\n\n" for p in payloads], hold=30), media_type=SSE
        )

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"))

    assert got.texts == ["line one", "line two", "ERROR line three", "line four"]
    assert got.records[2].level == Level.ERROR
    assert got.final is not None and got.final.state is State.COMPLETED


async def test_snapshot_payloads_show_only_new_text_across_reconnects() -> None:
    lines = [f"log line {i}" for i in range(9)]
    connections = []

    async def stream(request: Request) -> Response:
        # Resends the whole log so far each time and drops the client after 2 payloads.
        n = len(connections)
        connections.append(n)
        chunks = []
        for k in range(2):
            upto = min(len(lines), 2 * n + k + 1)
            payload = {"logs": "".join(f"{x}\n" for x in lines[:upto]), "status": "running"}
            if upto == len(lines):
                payload |= {"status": "completed", "final": True}
            chunks.append(f"data: {json.dumps(payload)}\n\n")
        return StreamingResponse(sse_body(chunks), media_type=SSE)

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"), backoff=quick_backoff)

    assert got.texts == lines
    assert len(connections) >= 4
    assert got.final is not None and got.final.state is State.COMPLETED


async def test_failed_status_fails_the_source() -> None:
    async def stream(request: Request) -> Response:
        body = 'data: {"logs": "boom\\n", "status": "failed", "final": true}\n\n'
        return StreamingResponse(sse_body([body], hold=30), media_type=SSE)

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"))

    assert got.texts == ["boom"]
    assert got.final is not None and got.final.state is State.FAILED
    assert "failed" in got.final.detail


# -- generic brokers ----------------------------------------------------------------------------


def broker_app(total: int, per_connection: int, abrupt: bool, hits: list[str | None]) -> Starlette:
    """A broker replaying after ``Last-Event-ID``; drops each client after a few events."""
    messages = []
    for i in range(1, total + 1):
        if i % 5 == 0:
            messages.append(f"id: {i}\ndata: multi {i} a\ndata: multi {i} b\n\n")
        elif i % 7 == 0:
            messages.append(f'id: {i}\ndata: {{"msg": "json {i}", "level": "warn"}}\n\n')
        elif i % 3 == 0:
            messages.append(f"id: {i}\ndata: trailing {i}\ndata:\n\n")  # data ends with \n
        else:
            messages.append(f"id: {i}\ndata: plain {i}\n\n")

    async def stream(request: Request) -> Response:
        last = request.headers.get("last-event-id")
        hits.append(last)
        start = int(last) if last else 0
        todo = messages[start : start + per_connection]

        async def body() -> AsyncIterator[bytes]:
            yield b"retry: 200\n: hi\n\n"
            for m in todo:
                yield m.encode()
            if start + per_connection >= total:
                await asyncio.sleep(30)  # all sent: stay connected, as brokers do
            elif abrupt:
                yield b"id: 999\ndata: half an ev"  # never completed: must not show
                raise ConnectionAbortedError("drop the client mid-event")

        return StreamingResponse(body(), media_type=SSE)

    return app_of(stream)


def broker_expected(total: int) -> list[str]:
    out = []
    for i in range(1, total + 1):
        if i % 5 == 0:
            out += [f"multi {i} a", f"multi {i} b"]
        elif i % 7 == 0:
            out.append(f"json {i}")
        elif i % 3 == 0:
            out.append(f"trailing {i}")
        else:
            out.append(f"plain {i}")
    return out


async def test_broker_clean_disconnects_replay_with_last_event_id() -> None:
    hits: list[str | None] = []
    expected = broker_expected(30)
    with LiveServer(broker_app(30, 7, abrupt=False, hits=hits)) as server:
        got = await follow(
            server.url("/stream"),
            until=lambda g: len(g.texts) >= len(expected),
            backoff=quick_backoff,
        )
    assert got.texts == expected
    assert hits == [None, "7", "14", "21", "28"]
    assert all(s.detail == "the server ended the stream" for s in got.of(State.RETRYING))
    assert got.heartbeats >= 1  # the comment keep-alive


async def test_broker_abrupt_disconnects_lose_and_double_nothing() -> None:
    hits: list[str | None] = []
    expected = broker_expected(30)
    with LiveServer(broker_app(30, 4, abrupt=True, hits=hits)) as server:
        got = await follow(
            server.url("/stream"),
            until=lambda g: len(g.texts) >= len(expected),
            backoff=quick_backoff,
        )
    assert got.texts == expected
    assert hits[:3] == [None, "4", "8"]
    assert "half an ev" not in " ".join(got.texts)
    assert {s.detail for s in got.of(State.RETRYING)} == {"the server dropped the connection"}


async def test_sse_plus_scheme_forces_sse_whatever_the_content_type() -> None:
    async def stream(request: Request) -> Response:
        return StreamingResponse(sse_body(["data: forced\n\n"], hold=30), media_type="text/plain")

    with LiveServer(app_of(stream)) as server:
        got = await follow(
            "sse+" + server.url("/stream"), until=lambda g: len(g.texts) >= 1, timeout=5
        )
    assert got.texts == ["forced"]


# -- retry: and the backoff floor ---------------------------------------------------------------


class _Highest(random.Random):
    """Makes jitter deterministic: always the top of the range."""

    def uniform(self, a: float, b: float) -> float:
        return b


async def test_retry_field_sets_the_delay_base_and_minimum() -> None:
    async def stream(request: Request) -> Response:
        return StreamingResponse(sse_body(["retry: 3000\ndata: x\n\n"]), media_type=SSE)

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"), until=lambda g: bool(g.of(State.RETRYING)))
    (retrying,) = got.of(State.RETRYING)
    assert retrying.retry_in is not None and retrying.retry_in >= 3.0  # default would be <= 1 s


async def test_short_retry_field_is_quicker_than_the_default_but_keeps_the_floor() -> None:
    async def stream(request: Request) -> Response:
        return StreamingResponse(sse_body(["retry: 200\ndata: x\n\n"]), media_type=SSE)

    def policy(settings: Settings) -> Backoff:
        # Production base and cap, a small floor and jitter pinned to its highest value.
        return Backoff(floor=0.1, rng=_Highest())

    with LiveServer(app_of(stream)) as server:
        got = await follow(
            server.url("/stream"),
            until=lambda g: len(g.of(State.RETRYING)) >= 2,
            backoff=policy,
        )
    first, second = got.of(State.RETRYING)[:2]
    assert first.retry_in == 0.2  # the default base would give 1.0
    assert second.retry_in == 0.4  # repeated quick drops still double


async def test_accept_then_drop_reconnects_at_most_once_a_second() -> None:
    starts: list[float] = []

    async def stream(request: Request) -> Response:
        starts.append(time.monotonic())
        return Response(b"", media_type=SSE)

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"), Settings(retries=2), timeout=10)

    assert len(starts) == 3  # the first try and two retries
    assert all(b - a >= 0.9 for a, b in itertools.pairwise(starts))
    assert got.final is not None and got.final.state is State.FAILED
    assert got.final.detail.startswith("Gave up after 2 retries")


# -- status codes, tokens, headers --------------------------------------------------------------


async def test_permanent_answers_fail_with_distinct_sentences_and_no_retry() -> None:
    hits: list[int] = []

    async def stream(request: Request) -> Response:
        code = int(request.path_params["code"])
        hits.append(code)
        return Response(b"nope", status_code=code)

    app = Starlette(routes=[Route("/s/{code}", stream)])
    token = "s3cr3t-t0ken"
    with LiveServer(app) as server:
        details = {}
        for code in (401, 403, 404, 410):
            got = await follow(server.url(f"/s/{code}"), Settings(token=token))
            assert got.final is not None and got.final.state is State.FAILED
            assert not got.of(State.RETRYING)
            details[code] = got.final.detail
        plain = await follow(server.url("/s/401"))
    assert hits == [401, 403, 404, 410, 401]
    assert "401 (not authenticated)" in details[401] and "--token" in details[401]
    assert "rejected" in details[401]  # a token was given: say it was refused
    assert "give a token with --token or LOGTAIL_TOKEN" in plain.final.detail
    assert "403 (not allowed)" in details[403]
    assert "404 (not found)" in details[404]
    assert "410 Gone" in details[410]
    assert len(set(details.values())) == 4
    assert all(token not in d for d in details.values())
    # One sentence each: a single full stop, at the end.
    assert all(d.endswith(".") and ". " not in d and "\n" not in d for d in details.values())


async def test_204_completes_without_reconnecting() -> None:
    hits = []

    async def stream(request: Request) -> Response:
        hits.append(1)
        return Response(status_code=204)

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"))
    assert hits == [1]
    assert got.final is not None and got.final.state is State.COMPLETED
    assert "204" in got.final.detail


async def test_server_error_is_retried_then_recovers() -> None:
    hits = []

    async def stream(request: Request) -> Response:
        hits.append(1)
        if len(hits) == 1:
            return Response(b"down", status_code=503)
        body = ["data: back\n\n", 'event: complete\ndata: {"message": "done"}\n\n']
        return StreamingResponse(sse_body(body), media_type=SSE)

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"))
    (retrying,) = got.of(State.RETRYING)
    assert retrying.detail == "503 Service Unavailable"
    assert retrying.attempt == 1 and retrying.retry_in is not None and retrying.retry_in <= 1.0
    assert got.texts == ["back"]
    assert [s.state for s in got.states] == [
        State.CONNECTING,
        State.RETRYING,
        State.CONNECTING,
        State.LIVE,
        State.COMPLETED,
    ]


async def test_429_honours_retry_after() -> None:
    async def stream(request: Request) -> Response:
        return Response(b"slow down", status_code=429, headers={"Retry-After": "4"})

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"), until=lambda g: bool(g.of(State.RETRYING)))
    (retrying,) = got.of(State.RETRYING)
    assert retrying.detail == "429 Too Many Requests"
    assert retrying.retry_in == 4.0


async def test_connection_refused_is_named_and_retries_run_out() -> None:
    with LiveServer(app_of(lambda r: Response())) as server:
        url = server.url("/stream")
    # The server is gone: nothing listens on that port any more.
    got = await follow(url, Settings(retries=0))
    assert got.final is not None and got.final.state is State.FAILED
    assert got.final.detail == (
        "Gave up after 0 retries (last error: connection refused); raise --retries or check the server."
    )


async def test_token_header_custom_headers_and_token_param_never_displayed() -> None:
    token = "tok-SECRET-42"
    seen: list[tuple[str | None, str | None, str | None, str | None]] = []

    async def stream(request: Request) -> Response:
        seen.append(
            (
                request.headers.get("authorization"),
                request.headers.get("x-team"),
                request.query_params.get("token"),
                request.query_params.get("task"),
            )
        )
        if len(seen) % 2:  # every other request fails, so errors and retries are displayed too
            return Response(b"oops", status_code=500)
        body = ['data: {"logs": "hello\\n", "status": "completed", "final": true}\n\n']
        return StreamingResponse(sse_body(body), media_type=SSE)

    with LiveServer(app_of(stream)) as server:
        header = await follow(
            server.url("/stream?task=7"),
            Settings(token=token, headers=(("X-Team", "blue"),)),
            backoff=quick_backoff,
        )
        param = await follow(
            server.url("/stream?task=7"),
            Settings(token=token, token_param="token"),
            backoff=quick_backoff,
        )
    assert seen[:2] == [(f"Bearer {token}", "blue", None, "7")] * 2
    assert seen[2:] == [(None, None, token, "7")] * 2
    for got in (header, param):
        assert got.texts == ["hello"]
        shown = [s.detail for s in got.states] + got.texts
        assert shown and all(token not in text for text in shown)


async def test_no_follow_reads_the_stream_once() -> None:
    hits = []

    async def stream(request: Request) -> Response:
        hits.append(1)
        return StreamingResponse(
            sse_body(["id: 1\ndata: a\n\n", "id: 2\ndata: b\n\n"]), media_type=SSE
        )

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/stream"), Settings(follow=False))
    assert hits == [1]
    assert got.texts == ["a", "b"]
    assert got.final is not None and got.final.state is State.COMPLETED
    assert not got.of(State.RETRYING)


def test_retry_after_seconds_dates_and_nonsense() -> None:
    from email.utils import formatdate

    from logtail_tui.sources.http import RETRY_AFTER_MAX, _retry_after

    assert _retry_after("7") == 7.0
    assert _retry_after("99999") == RETRY_AFTER_MAX
    in_a_minute = _retry_after(formatdate(time.time() + 60, usegmt=True))
    assert in_a_minute is not None and 55 <= in_a_minute <= 60
    assert _retry_after(formatdate(time.time() - 60, usegmt=True)) == 0.0
    assert _retry_after("soon") is None and _retry_after(None) is None
