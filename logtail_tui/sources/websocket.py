"""WebSocket source (``ws://``, ``wss://``): task-log sockets (docs/architecture.md, "Wire formats").

Messages become records as `ws_messages` describes (JSON log envelopes, other log-like
objects, hidden control messages with application pings answered, text and binary frames).

How a connection ends decides what happens next:

- Close 1000 (normal): the server says the stream is over (a finished task), so the
  source is *completed*; no reconnect, whether or not following.
- Close 1008 (policy: task not found / not allowed), 3000/3003, 4001/4003/4004 and
  4400-4499 (application codes mirroring HTTP 401/403/404 and 4xx; except 4408 and 4429)
  -> permanent `AccessDenied` / `SourceNotFound` with the server's reason.
- Close 1002, 1003, 1007, 1009, 1010 (the two ends cannot understand each other, or a
  message larger than `MAX_MESSAGE`): permanent `ProtocolFailure`.
- Every other close (1001, 1006, 1011-1014, other application codes), refused or timed
  out connections and handshakes answered 408/425/429/5xx are retried with `Backoff`.
- Handshake 401/403/404 and other 4xx are permanent, each with its own sentence.

With ``--no-follow`` the source reads until the server closes and never reconnects: a
close by the server with 1000 or 1001 completes it, anything else fails it.

We run our own connect loop because websockets' ``async for ws in connect()`` resets its
backoff after every handshake and would spin >1000 times a second against a server that
accepts and drops.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import (
    ConnectionClosed,
    InvalidHandshake,
    InvalidMessage,
    InvalidProxy,
    InvalidStatus,
    InvalidURI,
)

from logtail_tui.core.errors import AccessDenied, ProtocolFailure, SourceError, SourceNotFound
from logtail_tui.core.parse import LineParser, sanitize
from logtail_tui.core.settings import Settings
from logtail_tui.sources import auth, registry
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import (
    Heartbeat,
    Source,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.ws_messages import PONG, Kind, MessageInterpreter

MAX_MESSAGE = 16 * 2**20
"""Largest message accepted; websockets' default of 1 MiB closes 1009 on real log dumps."""
BATCH_CAP = 10_000
"""Records gathered before the reader waits for the consumer (bounded memory)."""
MAX_QUEUE = 64
"""Frames websockets buffers before it stops reading the socket (its default is 16)."""

CLOSE_TIMEOUT = 2.0
"""Seconds to wait for the server's half of the closing handshake when we stop."""

_PROTOCOL_CODES = {1002, 1003, 1007, 1009, 1010}
_DENIED_CODES = {1008, 3000, 3003, 4001, 4003, 4401, 4403}
_NOT_FOUND_CODES = {4004, 4404}
_RETRY_APP_CODES = {4408, 4429}
_CLOSE_NAMES = {
    1000: "normal closure",
    1001: "going away",
    1002: "protocol error",
    1003: "unsupported data",
    1006: "connection lost",
    1007: "invalid data",
    1008: "policy violation",
    1009: "message too big",
    1010: "extension required",
    1011: "internal error",
    1012: "service restart",
    1013: "try again later",
    1014: "bad gateway",
}
_RETRY_STATUSES = {408, 425, 429}


@dataclass(frozen=True, slots=True)
class _Closed:
    """How a connection ended: ``code`` and sanitised ``reason``; ``by_us`` if we closed it."""

    code: int
    reason: str
    by_us: bool = False

    @classmethod
    def of(cls, exc: ConnectionClosed) -> _Closed:
        rcvd, sent = exc.rcvd, exc.sent
        if rcvd is not None and (sent is None or exc.rcvd_then_sent):
            return cls(rcvd.code, sanitize(rcvd.reason)[:200])
        if sent is not None:
            return cls(sent.code, sanitize(sent.reason)[:200], by_us=True)
        return cls(1006, "")

    def describe(self) -> str:
        """``closed 1011 (server error: boom)``: the status-bar detail."""
        name = _CLOSE_NAMES.get(self.code, "application code" if self.code >= 3000 else "")
        inner = ": ".join(p for p in (name, self.reason) if p)
        return f"closed {self.code} ({inner})" if inner else f"closed {self.code}"


class WebSocketSource(Source):
    """Follows a WebSocket; reconnects with backoff and resends ``--send`` each time.

    Args:
        spec: ``spec.target`` is the ``ws://`` / ``wss://`` URL (may hold secrets; never shown).
        settings: Headers, token, ``--send``, retries, TLS and parsing options.
        backoff: The reconnect policy; tests may pass a faster one.
    """

    schemes = ("ws", "wss")
    description = "WebSocket log streams (JSON log messages, text and binary frames)"

    def __init__(
        self, spec: SourceSpec, settings: Settings, backoff: Backoff | None = None
    ) -> None:
        super().__init__(spec, settings)
        self.backoff = backoff or Backoff(retries=settings.retries)
        self.messages = MessageInterpreter(
            LineParser(settings.format, settings.field_map), settings.max_line_length
        )
        self._secrets = settings.secrets()
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None

    # -- the connect loop
    async def events(self) -> AsyncIterator[SourceEvent]:
        settings = self.settings
        headers = auth.request_headers(settings)
        user_agent = headers.pop("User-Agent", None)
        base_url = auth.apply_token_param(self.spec.target, settings)
        tls = auth.ssl_context(settings)
        extra: dict[str, Any] = {}
        if base_url.lower().startswith("wss:") and isinstance(tls, ssl.SSLContext):
            extra["ssl"] = tls
        first = True
        while True:
            url = base_url
            if not first and settings.resume_param and self.messages.last_time:
                url = auth.set_query_param(base_url, settings.resume_param, self.messages.last_time)
            first = False
            yield StateChanged(State.CONNECTING, attempt=self.backoff.attempt)
            self.backoff.attempting()
            try:
                self._ws = await connect(
                    url,
                    additional_headers=headers,
                    user_agent_header=user_agent,
                    open_timeout=settings.timeout,
                    max_size=MAX_MESSAGE,
                    max_queue=MAX_QUEUE,
                    close_timeout=CLOSE_TIMEOUT,
                    **extra,
                )
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                reason = self._handshake_failure(exc)  # raises when retrying cannot help
                if not settings.follow:
                    raise SourceError(
                        f"Cannot connect to {self.spec.label} ({reason}); check that the server "
                        "is running, or drop --no-follow to keep retrying."
                    ) from None
            else:
                self.backoff.connected()
                closed: _Closed | None = None
                try:
                    for text in settings.send:
                        await self._ws.send(text)
                    yield StateChanged(State.LIVE)
                    async for event in self._stream(self._ws):
                        yield event
                except ConnectionClosed as exc:
                    closed = _Closed.of(exc)
                finally:
                    await self._close_socket()
                closed = closed or _Closed(1006, "")
                reason = self._redact(closed.describe())
                if self._finished(closed):
                    yield StateChanged(State.COMPLETED, reason)
                    return
            delay = self.backoff.next_delay(reason)
            yield StateChanged(State.RETRYING, reason, delay, self.backoff.attempt)
            await asyncio.sleep(delay)

    def _finished(self, closed: _Closed) -> bool:
        """True when ``closed`` ends the source normally; raises when it failed for good."""
        code, label = closed.code, self.spec.label
        why = self._redact(closed.reason) or _CLOSE_NAMES.get(code, "no reason given")
        if code == 1000 and not closed.by_us:
            return True
        if code in _DENIED_CODES:
            raise AccessDenied(
                f"The server closed {label} with code {code} ({why}) and will not stream it to "
                "you; check the URL and your credentials."
            )
        if code in _NOT_FOUND_CODES:
            raise SourceNotFound(
                f"The server closed {label} with code {code} ({why}); check the URL and task id."
            )
        if code == 1009 and closed.by_us:
            raise ProtocolFailure(
                f"{label} sent a message larger than {MAX_MESSAGE // 2**20} MiB, which logtail "
                "does not accept; ask the server to send smaller messages."
            )
        if code in _PROTOCOL_CODES:
            raise ProtocolFailure(
                f"The WebSocket {label} ended with code {code} ({why}), which retrying cannot fix;"
                " check that the URL serves a log stream."
            )
        if 4400 <= code <= 4499 and code not in _RETRY_APP_CODES:
            raise SourceError(
                f"The server closed {label} with code {code} ({why}); check the URL and options."
            )
        if not self.settings.follow:
            if code == 1001 and not closed.by_us:
                return True
            raise SourceError(
                f"The WebSocket {label} {closed.describe()} before the stream ended; "
                "drop --no-follow to reconnect automatically."
            )
        return False

    def _handshake_failure(self, exc: Exception) -> str:
        """A short reason for a retryable connect failure; raises for permanent ones."""
        label = self.spec.label
        if isinstance(exc, InvalidStatus):
            status = exc.response.status_code
            try:
                phrase = HTTPStatus(status).phrase
            except ValueError:
                phrase = ""
            if status == 401:
                raise AccessDenied(
                    f"{label} refused the connection as not authenticated (401); "
                    "pass a valid --token or an Authorization header."
                ) from None
            if status == 403:
                raise AccessDenied(
                    f"{label} forbids access (403); check that your token may follow this stream."
                ) from None
            if status == 404:
                raise SourceNotFound(
                    f"Nothing found at {label} (404); check the URL and the task id."
                ) from None
            if status >= 500 or status in _RETRY_STATUSES:
                return f"HTTP {status} {phrase}".strip()
            if 400 <= status < 500:
                raise SourceError(
                    f"{label} rejected the WebSocket handshake with HTTP {status} {phrase}; "
                    "check the URL and options."
                ) from None
            raise ProtocolFailure(
                f"{label} answered HTTP {status} instead of a WebSocket upgrade; "
                "check that the URL is a WebSocket endpoint."
            ) from None
        if isinstance(exc, InvalidProxy):
            raise SourceError(
                f"The proxy configured in the environment for {label} is not valid "
                f"({self._redact(str(exc))}); fix or unset HTTPS_PROXY / ALL_PROXY."
            ) from None
        if isinstance(exc, InvalidURI):
            raise SourceError(
                f"{label} is not a valid WebSocket URL; use ws://host/path or wss://host/path."
            ) from None
        if isinstance(exc, ssl.SSLCertVerificationError):
            raise AccessDenied(
                f"The TLS certificate of {label} could not be verified ({exc.verify_message}); "
                "pass --cacert with the right CA or --insecure."
            ) from None
        if isinstance(exc, InvalidMessage):
            return "the server dropped the connection during the handshake"
        if isinstance(exc, InvalidHandshake):
            raise ProtocolFailure(
                f"{label} did not complete a WebSocket handshake "
                f"({self._redact(str(exc))}); check that the URL is a WebSocket endpoint."
            ) from None
        if isinstance(exc, TimeoutError):
            return f"no answer within {self.settings.timeout:g} s"
        if isinstance(exc, socket.gaierror):
            return "host not found"
        if isinstance(exc, OSError):
            text = str(exc)
            if isinstance(exc, ConnectionRefusedError) or "refused" in text.lower():
                return "connection refused"
            return self._redact(exc.strerror or text or type(exc).__name__)
        raise exc

    # -- one connection
    async def _stream(self, ws: ClientConnection) -> AsyncIterator[SourceEvent]:
        """Batches and heartbeats until the connection ends (raises ``ConnectionClosed``).

        A reader task gathers every message already received into one pending batch;
        this generator hands over whatever has gathered each time it is woken, so a
        burst of 100k messages makes a few large batches, not 100k events.
        """
        state = _Pending()
        reader = asyncio.create_task(self._read(ws, state), name=f"ws-reader:{self.spec.label}")
        self._reader = reader
        reader.add_done_callback(lambda _: state.wake.set())
        try:
            while True:
                await state.wake.wait()
                state.wake.clear()
                batch, beat = self.messages.take(), state.take()
                if batch:
                    yield batch
                elif beat:
                    yield Heartbeat()
                if reader.done() and not state.wake.is_set():
                    reader.result()  # raises ConnectionClosed: how it ended
                    return
        finally:
            if not reader.done():
                reader.cancel()
                with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                    await reader
            self._reader = None

    async def _read(self, ws: ClientConnection, state: _Pending) -> None:
        # recv() returns without suspending while frames are queued, so the consumer
        # only runs (and takes the batch) once the socket has nothing more ready.
        while True:
            kind = self.messages.feed(await ws.recv())
            if kind is not Kind.CONTENT:
                state.beat = True
                if kind is Kind.PING:
                    await ws.send(PONG)
            state.wake.set()
            if len(self.messages) >= BATCH_CAP:
                state.room.clear()
                await state.room.wait()

    # -- closing
    def _redact(self, text: str) -> str:
        return registry.redact(text, self._secrets)

    async def _close_socket(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(OSError, ConnectionClosed):
                await ws.close()

    async def aclose(self) -> None:
        reader, self._reader = self._reader, None
        if reader is not None and not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError, ConnectionClosed):
                await reader
        await self._close_socket()


class _Pending:
    """Signals between the reader task and the generator that hands batches over."""

    __slots__ = ("beat", "room", "wake")

    def __init__(self) -> None:
        self.beat = False
        """A control message arrived since the last hand-over."""
        self.wake = asyncio.Event()
        self.room = asyncio.Event()

    def take(self) -> bool:
        """Whether a control message arrived; lets a reader waiting for room go on."""
        beat, self.beat = self.beat, False
        self.room.set()
        return beat
