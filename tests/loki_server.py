"""A small Loki tail server written from Grafana's HTTP API documentation, for tests.

``GET /loki/api/v1/tail`` as a WebSocket: ``query`` (a stream selector of exact
``label="value"`` matchers), ``limit`` (entries in the first answer, default 100, the
newest ones as Loki's backward history query picks them), ``delay_for`` (0-5 s; more is
a 400), ``start`` (ns, default an hour ago, inclusive: the boundary entry is sent
again, as real Loki does). Messages are ``{"streams": [...], "dropped_entries": [...]}``;
the server closes with 1000 after ``max_duration`` seconds like ``max_tail_duration``.
The stored entries outlive `stop`/`start`, so a restart keeps the history, as Loki does.

Usage::

    async with FakeLoki(max_duration=0.5) as loki:
        loki.push({"app": "api"}, "hello")
        url = loki.url('{app="api"}')
"""

from __future__ import annotations

import asyncio
import base64
import json
import re
import ssl
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.http11 import Request, Response

_MATCHER = re.compile(r'\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"\s*(?:,|$)')


def parse_selector(query: str) -> dict[str, str] | None:
    """``{app="api",env="prod"}`` -> matchers; ``None`` if it is not a selector we know."""
    query = query.strip()
    if not (query.startswith("{") and query.endswith("}")):
        return None
    body = query[1:-1].strip()
    matchers: dict[str, str] = {}
    pos = 0
    while pos < len(body):
        m = _MATCHER.match(body, pos)
        if m is None:
            return None
        matchers[m[1]] = json.loads(f'"{m[2]}"')
        pos = m.end()
    return matchers or None


@dataclass
class Entry:
    labels: dict[str, str]
    ns: int
    line: str


@dataclass
class FakeLoki:
    """The server; ``connections`` records each tail request's parameters."""

    max_duration: float | None = None
    token: str | None = None
    """Require ``Authorization: Bearer TOKEN``."""
    basic: tuple[str, str] | None = None
    """Require basic auth with this user and password."""
    entries: list[Entry] = field(default_factory=list)
    connections: list[dict[str, str]] = field(default_factory=list)
    port: int = 0
    ssl: ssl.SSLContext | None = None
    """Serve TLS (``lokis://``) with this context."""
    headers: list[dict[str, str]] = field(default_factory=list)
    """Request headers of each accepted tail."""
    _server: Server | None = None
    _live: dict[int, tuple[asyncio.Queue[Any], dict[str, str]]] = field(default_factory=dict)
    _clock: int = 0

    # -- running
    async def start(self) -> None:
        self._server = await serve(
            self._handler, "127.0.0.1", self.port, process_request=self._check, ssl=self.ssl
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self, code: int = 1001) -> None:
        """Stop listening and close every tail (1001, or 1006 with ``code=1006``)."""
        server, self._server = self._server, None
        if server is None:
            return
        for queue, _ in list(self._live.values()):
            queue.put_nowait(None)  # handlers wait on their queue: wake them to finish
        if code == 1006:
            for conn in list(server.connections):
                conn.transport.abort()
        server.close(close_connections=code != 1006)
        await server.wait_closed()

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def url(self, query: str, scheme: str = "loki", **params: object) -> str:
        extra = "".join(f"&{k}={v}" for k, v in params.items())
        return f"{scheme}://127.0.0.1:{self.port}/?query={query}{extra}"

    # -- content
    def now(self) -> int:
        """Strictly increasing nanosecond stamps near the wall clock."""
        self._clock = max(self._clock + 1, time.time_ns())
        return self._clock

    def push(self, labels: dict[str, str], line: str, ns: int | None = None) -> Entry:
        entry = Entry(labels, self.now() if ns is None else ns, line)
        self.entries.append(entry)
        for queue, matchers in list(self._live.values()):
            if _matches(entry.labels, matchers):
                queue.put_nowait(entry)
        return entry

    def drop(self, count: int, labels: dict[str, str]) -> None:
        """Tell every tail that ``count`` entries were dropped (as Loki does when slow)."""
        for queue, _ in list(self._live.values()):
            queue.put_nowait(("dropped", count, labels))

    # -- protocol
    def _check(self, conn: ServerConnection, request: Request) -> Response | None:
        parts = urlsplit(request.path)
        if parts.path != "/loki/api/v1/tail":
            return conn.respond(HTTPStatus.NOT_FOUND, "404 page not found\n")
        given = request.headers.get("Authorization", "")
        if self.token and given != f"Bearer {self.token}":
            return conn.respond(HTTPStatus.UNAUTHORIZED, "no org id / bad token\n")
        if self.basic:
            want = base64.b64encode(":".join(self.basic).encode()).decode()
            if given != f"Basic {want}":
                return conn.respond(HTTPStatus.UNAUTHORIZED, "invalid credentials\n")
        params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if parse_selector(params.get("query", "")) is None:
            return conn.respond(
                HTTPStatus.BAD_REQUEST, "parse error at line 1, col 1: syntax error\n"
            )
        try:
            delay = int(params.get("delay_for", "0"))
            limit = int(params.get("limit", "100"))
        except ValueError:
            return conn.respond(HTTPStatus.BAD_REQUEST, "invalid limit or delay_for\n")
        if not 0 <= delay <= 5:
            return conn.respond(HTTPStatus.BAD_REQUEST, "delay_for can't be greater than 5\n")
        if limit <= 0:
            return conn.respond(HTTPStatus.BAD_REQUEST, "limit must be a positive value\n")
        return None

    async def _handler(self, ws: ServerConnection) -> None:
        assert ws.request is not None
        params = {k: v[-1] for k, v in parse_qs(urlsplit(ws.request.path).query).items()}
        self.connections.append(params)
        self.headers.append(dict(ws.request.headers.raw_items()))
        matchers = parse_selector(params["query"]) or {}
        limit = int(params.get("limit", "100"))
        delay = int(params.get("delay_for", "0"))
        start = int(params.get("start", str(time.time_ns() - 3600 * 10**9)))
        queue: asyncio.Queue[Any] = asyncio.Queue()
        key = id(queue)
        self._live[key] = (queue, matchers)  # before the history, so nothing falls between the two
        try:
            history = [e for e in self.entries if e.ns >= start and _matches(e.labels, matchers)]
            history = sorted(history, key=lambda e: e.ns)[-limit:]
            shown = {id(e) for e in history}
            if history:
                await ws.send(_message(history))
            async with asyncio.timeout(self.max_duration):
                while True:
                    item = await queue.get()
                    if item is None:
                        return
                    if isinstance(item, tuple):
                        _, count, labels = item
                        drops = [{"labels": labels, "timestamp": str(self.now())}] * count
                        await ws.send(json.dumps({"streams": [], "dropped_entries": drops}))
                        continue
                    if id(item) in shown:
                        continue
                    if delay:
                        await asyncio.sleep(delay)
                    batch = [item]
                    while not queue.empty() and isinstance(queue._queue[0], Entry):  # type: ignore[attr-defined]
                        batch.append(queue.get_nowait())
                    await ws.send(_message(batch))
        except TimeoutError:
            await ws.close(1000, "reached tail max duration limit")
        finally:
            self._live.pop(key, None)


def _matches(labels: dict[str, str], matchers: dict[str, str]) -> bool:
    return all(labels.get(k) == v for k, v in matchers.items())


def _message(entries: list[Entry]) -> str:
    streams: dict[str, dict[str, Any]] = {}
    for e in entries:
        key = json.dumps(e.labels, sort_keys=True)
        stream = streams.setdefault(key, {"stream": e.labels, "values": []})
        stream["values"].append([str(e.ns), e.line])
    return json.dumps({"streams": list(streams.values()), "dropped_entries": None})
