"""WebSocket source (``ws://``, ``wss://``): task-log sockets and other log streams.

Messages become records as `ws_messages` describes (JSON log envelopes, other log-like
objects, hidden control messages with application pings answered, text and binary frames).

How a connection ends decides what happens next; `reconnect.close_code` holds the one
table (1000 completes, 1001 is a clean end, policy and 4xxx application codes fail with
the server's reason, protocol codes fail, the rest is retried) and `reconnect.http_status`
the one for handshakes answered with an HTTP status. A message larger than `MAX_MESSAGE`
fails for good. With ``--no-follow`` the source never reconnects: a close by the server
with 1000 or 1001 completes it, anything else fails it.

We run our own connect loop because websockets' ``async for ws in connect()`` resets its
backoff after every handshake and would spin >1000 times a second against a server that
accepts and drops (see docs/architecture.md).
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from dataclasses import dataclass
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

from logtail_tui.sources import auth, reconnect
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import (
    AccessDenied,
    Heartbeat,
    LineParser,
    ProtocolFailure,
    Settings,
    Source,
    SourceError,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.reconnect import End, Ending, describe_close
from logtail_tui.sources.redact import redact, redact_label, shorten
from logtail_tui.sources.ws_messages import PONG, Kind, MessageInterpreter

MAX_MESSAGE = 16 * 2**20
"""Largest message accepted; websockets' default of 1 MiB closes 1009 on real log dumps."""
BATCH_CAP = 10_000
"""Records gathered before the reader waits for the consumer (bounded memory)."""
MAX_QUEUE = 64
"""Frames websockets buffers before it stops reading the socket (its default is 16)."""

CLOSE_TIMEOUT = 2.0
"""Seconds to wait for the server's half of the closing handshake when we stop."""
REASON_MAX = 200
"""Characters of a close reason kept (a reason may be up to 123 bytes, or forged)."""


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
            return cls(rcvd.code, shorten(rcvd.reason, REASON_MAX))
        if sent is not None:
            return cls(sent.code, shorten(sent.reason, REASON_MAX), by_us=True)
        return cls(1006, "")


class WebSocketSource(Source):
    """Follows a WebSocket; reconnects with backoff and resends ``--send`` each time.

    Args:
        spec: ``spec.target`` is the ``ws://`` / ``wss://`` URL (may hold secrets; never shown).
        settings: Headers, token, ``--send``, retries, TLS and parsing options.
        backoff: The reconnect policy; tests may pass a faster one.
    """

    description = "WebSocket log streams (JSON log messages, text and binary frames)"

    def __init__(
        self, spec: SourceSpec, settings: Settings, backoff: Backoff | None = None
    ) -> None:
        super().__init__(spec, settings)
        self.backoff = backoff or Backoff(retries=settings.retries)
        self.messages = MessageInterpreter(
            LineParser(settings.format, settings.field_map), settings.max_line_length
        )
        self._secrets = settings.secrets() + spec.secrets
        self._ws: ClientConnection | None = None
        self._reader: asyncio.Task[None] | None = None
        self._connections = 0
        self._url = spec.target
        self._headers: dict[str, str] = {}
        self._user_agent: str | None = None
        self._extra: dict[str, Any] = {}

    @classmethod
    def parse_target(cls, scheme: str, rest: str, text: str) -> str:
        return text

    @classmethod
    def describe_target(cls, scheme: str, target: str, settings: Settings) -> str:
        return redact_label(target, settings.secrets(), settings.token_param)

    async def events(self) -> AsyncGenerator[SourceEvent]:
        settings = self.settings
        self._headers = auth.request_headers(settings)
        self._user_agent = self._headers.pop("User-Agent", None)
        self._url = auth.apply_token_param(self.spec.target, settings)
        tls = auth.ssl_context(settings)
        if self._url.lower().startswith("wss:") and isinstance(tls, ssl.SSLContext):
            self._extra["ssl"] = tls
        driver = reconnect.run(self, self.spec.label, settings, self.backoff)
        async with contextlib.aclosing(driver) as stream:
            async for event in stream:
                yield event

    # -- the reconnect driver's Link
    async def connect(self, ending: Ending) -> AsyncGenerator[SourceEvent]:
        """One connection: handshake, ``--send``, messages until it closes."""
        url = self._url
        if self._connections and self.settings.resume_param and self.messages.last_time:
            url = auth.set_query_param(url, self.settings.resume_param, self.messages.last_time)
        self._connections += 1
        self._ws = await connect(
            url,
            additional_headers=self._headers,
            user_agent_header=self._user_agent,
            open_timeout=self.settings.timeout,
            max_size=MAX_MESSAGE,
            max_queue=MAX_QUEUE,
            close_timeout=CLOSE_TIMEOUT,
            **self._extra,
        )
        closed: _Closed | None = None
        try:
            for text in self.settings.send:
                await self._ws.send(text)
            yield StateChanged(State.LIVE)
            async for event in self._stream(self._ws):
                yield event
        except ConnectionClosed as exc:
            closed = _Closed.of(exc)
        finally:
            await self._close_socket()
        got = self._closed(closed or _Closed(1006, ""))
        ending.end, ending.reason = got.end, got.reason

    def _closed(self, closed: _Closed) -> Ending:
        """How ``closed`` ends the connection; raises when it failed for good."""
        reason = self._redact(closed.reason)
        if closed.by_us:
            if closed.code == 1009:
                raise ProtocolFailure(
                    f"{self.spec.label} sent a message larger than {MAX_MESSAGE // 2**20} MiB, "
                    "which logtail does not accept; ask the server to send smaller messages."
                )
            return Ending(End.DROPPED, describe_close(closed.code, reason))
        return reconnect.close_code(closed.code, reason, self.spec.label)

    def classify(self, exc: Exception) -> Ending:
        """A retryable handshake failure as an `Ending`; raises for permanent ones."""
        label = self.spec.label
        if isinstance(exc, InvalidStatus):
            status = exc.response.status_code
            if status < 400:
                raise ProtocolFailure(
                    f"{label} answered HTTP {status} instead of a WebSocket upgrade; "
                    "check that the URL is a WebSocket endpoint."
                ) from None
            return reconnect.http_status(status, label, token_given=bool(self.settings.token))
        if isinstance(exc, InvalidProxy):
            raise SourceError(
                f"The proxy configured in the environment for {label} is not valid "
                f"({self._redact(str(exc))}); fix or unset HTTPS_PROXY / ALL_PROXY."
            ) from None
        if isinstance(exc, InvalidURI):
            raise SourceError(
                f"{label} is not a valid WebSocket URL; use ws://host/path or wss://host/path."
            ) from None
        return connect_failure(exc, label, self.settings.timeout, self._redact)

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
        return redact(text, self._secrets)

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


def connect_failure(
    exc: Exception,
    label: str,
    timeout: float,
    redact: Callable[[str], str],
    endpoint: str = "check that the URL is a WebSocket endpoint",
) -> Ending:
    """Handshake and socket failures of any WebSocket-based adapter (after its own
    status and close-code handling): an `Ending` to retry, or a raised `SourceError`.

    Args:
        endpoint: What to check when the peer does not speak WebSocket at all.
    """
    if isinstance(exc, ssl.SSLCertVerificationError):
        raise AccessDenied(
            f"The TLS certificate of {label} could not be verified ({exc.verify_message}); "
            "pass --cacert with the right CA or --insecure."
        ) from None
    if isinstance(exc, InvalidMessage):
        return Ending(End.DROPPED, "the server dropped the connection during the handshake")
    if isinstance(exc, InvalidHandshake):
        raise ProtocolFailure(
            f"{label} did not complete a WebSocket handshake ({redact(str(exc))}); {endpoint}."
        ) from None
    if isinstance(exc, TimeoutError):
        return Ending(End.DROPPED, f"no answer within {timeout:g} s")
    if isinstance(exc, socket.gaierror):
        return Ending(End.DROPPED, "host not found")
    if isinstance(exc, OSError):
        text = str(exc)
        if isinstance(exc, ConnectionRefusedError) or "refused" in text.lower():
            return Ending(End.DROPPED, "connection refused")
        return Ending(End.DROPPED, redact(exc.strerror or text or type(exc).__name__))
    raise exc


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
