"""The HTTP adapter on NDJSON and plain chunked text (docs/architecture.md, "Wire formats"), and auth helpers."""

from __future__ import annotations

import asyncio
import json
import ssl
from collections.abc import AsyncIterator

import pytest
from servers import LiveServer, follow, quick_backoff
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from logtail_tui.core.errors import UsageError
from logtail_tui.core.parse import sanitize
from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources.auth import apply_token_param, request_headers, ssl_context
from logtail_tui.sources.contract import State


def app_of(handler) -> Starlette:
    return Starlette(routes=[Route("/logs", handler)])


def chunks(parts: list[bytes], hold: float = 0.0) -> AsyncIterator[bytes]:
    async def gen() -> AsyncIterator[bytes]:
        for part in parts:
            yield part
            await asyncio.sleep(0)
        if hold:
            await asyncio.sleep(hold)

    return gen()


def logcat(i: int, level: str) -> dict[str, object]:
    return {
        "timestamp": f"2026-01-01T00:00:{i:02d}Z",
        "level": level,
        "tag": "ActivityManager",
        "pid": 1000 + i,
        "message": f"event {i}",
    }


@pytest.mark.parametrize("ctype", ["application/x-ndjson", "application/jsonl"])
async def test_ndjson_logcat_levels_and_times(ctype: str) -> None:
    letters = ["I", "W", "E", "D", "V"]
    body = "".join(json.dumps(logcat(i, x)) + "\n" for i, x in enumerate(letters)).encode()

    async def stream(request: Request) -> Response:
        # Cut mid-object to check framing across chunks.
        return StreamingResponse(
            chunks([body[:37], body[37:120], body[120:]], hold=30), media_type=ctype
        )

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/logs"), until=lambda g: len(g.texts) >= 5)
    recs = got.records
    assert [r.text for r in recs] == [
        f"event {i} tag=ActivityManager pid={1000 + i}" for i in range(5)
    ]
    assert [r.level for r in recs] == [
        Level.INFO,
        Level.WARNING,
        Level.ERROR,
        Level.DEBUG,
        Level.TRACE,
    ]
    assert recs[4].time == "2026-01-01T00:00:04Z"
    assert recs[0].raw is not None and '"tag": "ActivityManager"' in recs[0].raw


async def test_json_seq_record_separators_are_not_content() -> None:
    body = "".join("\x1e" + json.dumps(logcat(i, "W")) + "\n" for i in range(3)).encode()

    async def stream(request: Request) -> Response:
        return StreamingResponse(chunks([body], hold=30), media_type="application/json-seq")

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/logs"), until=lambda g: len(g.texts) >= 3)
    assert [t.split(" tag=")[0] for t in got.texts] == ["event 0", "event 1", "event 2"]
    assert {r.level for r in got.records} == {Level.WARNING}


async def test_chunked_text_lines_are_framed_levelled_and_sanitised() -> None:
    parts = [
        b"2026-01-01 12:00:00 INFO started\n2026-01-01 12:00:01 WA",
        b"RN disk at 91%\r\n\xe2\x9c",  # CRLF, and a UTF-8 check mark cut in two
        b"\x93 ERROR \x1b[31mred\x1b[0m \x07bell\n",
        b"no newline at the end",
    ]

    async def stream(request: Request) -> Response:
        return StreamingResponse(chunks(parts), media_type="text/plain; charset=utf-8")

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/logs"), Settings(follow=False))
    assert got.texts == [
        "2026-01-01 12:00:00 INFO started",
        "2026-01-01 12:00:01 WARN disk at 91%",
        sanitize("✓ ERROR \x1b[31mred\x1b[0m \x07bell"),
        "no newline at the end",
    ]
    assert "\x1b" not in got.texts[2] and "\x07" not in got.texts[2]
    assert [r.level for r in got.records][:3] == [Level.INFO, Level.WARNING, Level.ERROR]
    assert got.final is not None and got.final.state is State.COMPLETED


async def test_a_document_with_content_length_completes_instead_of_refetching() -> None:
    hits = []

    async def doc(request: Request) -> Response:
        hits.append(1)
        return Response(b"one\ntwo\n", media_type="text/plain")

    with LiveServer(app_of(doc)) as server:
        got = await follow(server.url("/logs"))
    assert hits == [1]
    assert got.texts == ["one", "two"]
    assert got.final is not None and got.final.state is State.COMPLETED


async def test_ndjson_stream_resumes_with_since_and_drops_repeated_ids() -> None:
    rows = [{**logcat(i, "I"), "id": i} for i in range(12)]
    since_seen: list[str | None] = []

    async def stream(request: Request) -> Response:
        since = request.query_params.get("since")
        since_seen.append(since)
        todo = [r for r in rows if since is None or r["timestamp"] >= since][:4]
        body = "".join(json.dumps(r) + "\n" for r in todo).encode()
        # Drops the client after each few rows; stays open once everything was sent.
        return StreamingResponse(
            chunks([body], hold=30 if len(todo) < 4 else 0), media_type="application/x-ndjson"
        )

    with LiveServer(app_of(stream)) as server:
        got = await follow(
            server.url("/logs"),
            Settings(resume_param="since"),
            until=lambda g: len(g.texts) >= 12,
            backoff=quick_backoff,
        )
    assert [json.loads(r.raw)["id"] for r in got.records] == list(range(12))
    assert since_seen[:2] == [None, "2026-01-01T00:00:03Z"]


async def test_read_timeout_outlasts_keepalives() -> None:
    from logtail_tui.sources.http import HttpSource
    from logtail_tui.sources.registry import resolve

    settings = Settings(timeout=10)
    assert HttpSource(resolve("http://h/x", settings), settings).read_timeout == 60
    settings = Settings(timeout=45)
    assert HttpSource(resolve("http://h/x", settings), settings).read_timeout == 90


# -- auth helpers ------------------------------------------------------------------------


def test_request_headers_bearer_and_user_headers() -> None:
    h = request_headers(Settings(token="t1", headers=(("X-A", "1"), ("Accept-Language", "fr"))))
    assert h["Authorization"] == "Bearer t1"
    assert h["X-A"] == "1" and h["Accept-Language"] == "fr"
    assert h["User-Agent"].startswith("logtail/")
    # An explicit Authorization header wins; --token-param moves the token to the URL.
    own = request_headers(Settings(token="t1", headers=(("authorization", "Basic abc"),)))
    assert own["authorization"] == "Basic abc" and "Authorization" not in own
    assert "Authorization" not in request_headers(Settings(token="t1", token_param="token"))


def test_apply_token_param_replaces_and_keeps_other_parameters() -> None:
    s = Settings(token="t 1&x", token_param="token")
    assert (
        apply_token_param("http://h/p?a=1&token=old&b=2", s) == "http://h/p?a=1&b=2&token=t+1%26x"
    )
    assert apply_token_param("http://h/p", Settings(token="t1")) == "http://h/p"


def test_ssl_context_choices(tmp_path) -> None:
    assert ssl_context(Settings()) is True
    insecure = ssl_context(Settings(insecure=True))
    assert isinstance(insecure, ssl.SSLContext) and insecure.verify_mode == ssl.CERT_NONE
    bad = tmp_path / "ca.pem"
    bad.write_text("not a certificate")
    with pytest.raises(UsageError, match="--cacert"):
        ssl_context(Settings(cacert=str(bad)))
    with pytest.raises(UsageError, match="readable PEM"):
        ssl_context(Settings(cacert=str(tmp_path / "missing.pem")))


# -- TLS, echoed secrets, user headers -------------------------------------------------------


async def test_https_with_cacert_insecure_and_an_unknown_certificate(
    tls_files: tuple[str, str],
) -> None:
    cert, key = tls_files

    async def doc(request: Request) -> Response:
        return Response(b"over tls\n", media_type="text/plain")

    with LiveServer(app_of(doc), ssl_certfile=cert, ssl_keyfile=key) as server:
        url = server.url("/logs")
        assert url.startswith("https://")
        trusted = await follow(url, Settings(cacert=cert))
        insecure = await follow(url, Settings(insecure=True))
        unknown = await follow(url, Settings(retries=3))
    for got in (trusted, insecure):
        assert got.texts == ["over tls"]
        assert got.final is not None and got.final.state is State.COMPLETED
    assert unknown.final is not None and unknown.final.state is State.FAILED
    assert not unknown.of(State.RETRYING)  # retrying cannot fix a certificate
    assert "--cacert" in unknown.final.detail and "certificate" in unknown.final.detail


async def test_a_token_echoed_by_the_server_is_hidden_in_records() -> None:
    token = "echo-T0KEN-99"

    async def stream(request: Request) -> Response:
        auth = request.headers.get("authorization", "")
        body = f'{{"level": "error", "message": "bad credentials: {auth}"}}\nplain {auth}\n'
        return Response(body.encode(), media_type="application/x-ndjson")

    with LiveServer(app_of(stream)) as server:
        got = await follow(server.url("/logs"), Settings(token=token))
    assert len(got.records) == 2
    assert got.records[0].text.startswith("bad credentials: Bearer ***")
    assert got.records[1].text == "plain Bearer ***"
    assert all(token not in (r.raw or "") + r.text for r in got.records)


async def test_a_user_accept_header_is_not_overridden() -> None:
    seen = []

    async def doc(request: Request) -> Response:
        seen.append(request.headers.get("accept"))
        return Response(b"x\n", media_type="text/plain")

    with LiveServer(app_of(doc)) as server:
        await follow(server.url("/logs"))
        await follow(server.url("/logs"), Settings(headers=(("Accept", "text/plain"),)))
    assert seen[0] is not None and seen[0].startswith("text/event-stream")
    assert seen[1] == "text/plain"
