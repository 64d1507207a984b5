"""Follows an HTTP stream: SSE, NDJSON or text lines, chosen by Content-Type.

``text/event-stream`` (or any response to a ``sse+http(s)://`` URL) is read as
Server-Sent Events with ``EventSource`` semantics: ``Last-Event-ID`` on reconnect,
``retry:`` honoured, reconnect after a clean end unless the stream said it finished.
Anything else is lines: NDJSON (``application/x-ndjson``, ``application/jsonl`` ...)
needs nothing more, since `LineParser` maps the JSON objects among lines by itself, and
``application/json-seq`` only loses its record separators.

Reconnection uses the shared `Backoff`. Permanent answers stop for good: 204 completes;
401/403 raise `AccessDenied`, 404 `SourceNotFound`, other 4xx `SourceError`; 408, 429
(honouring ``Retry-After``), 5xx and transport errors are retried.

How ``retry:`` and the floor interact: the server's reconnection time replaces the
backoff's base delay and is also the least we wait, so ``retry: 3000`` waits at least
3 s (doubling on repeated failures) and ``retry: 200`` is allowed to be quicker than
our 1 s base (down to the backoff's least delay, half the floor); but the floor still
holds, so no reconnect starts sooner than about a second after the previous attempt
started: a server cannot talk us into a reconnect storm. The typed-events ``timeout`` event reconnects
at once, under that same floor.

A response with a ``Content-Length`` that ends cleanly is a document, not a stream:
it completes instead of being fetched again.
"""

from __future__ import annotations

import asyncio
import email.utils
import socket
import ssl
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass

import httpx

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.errors import AccessDenied, ProtocolFailure, SourceError, SourceNotFound
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources.auth import (
    apply_token_param,
    request_headers,
    set_query_param,
    ssl_context,
)
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import (
    Heartbeat,
    Source,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.payloads import Kind, PayloadMapper
from logtail_tui.sources.sse import SSEParser

_RETRY_STATUS = frozenset({408, 429})
_ACCEPT = "text/event-stream, application/x-ndjson;q=0.9, */*;q=0.8"
RETRY_AFTER_MAX = 600.0
"""A server's ``Retry-After`` is honoured up to this many seconds."""


@dataclass
class _Outcome:
    """How one connection ended; filled in by `HttpSource._session`."""

    reason: str = "the server ended the stream"
    final: StateChanged | None = None
    reconnect_now: bool = False
    retry_after: float | None = None
    clean: bool = False


class HttpSource(Source):
    """Adapter for ``http``, ``https``, ``sse+http`` and ``sse+https`` sources.

    Args:
        spec: ``spec.target`` is the URL without any ``sse+`` prefix.
        settings: Network options (headers, token, TLS, timeout, retries, resume).
        backoff: Builds the reconnect policy; tests pass quicker ones, production
            uses `Backoff` with its defaults and ``settings.retries``.
    """

    schemes = ("http", "https", "sse+http", "sse+https")
    description = "HTTP stream: SSE (text/event-stream), NDJSON or text lines; sse+ forces SSE"

    def __init__(
        self,
        spec: SourceSpec,
        settings: Settings,
        backoff: Callable[[], Backoff] | None = None,
    ) -> None:
        super().__init__(spec, settings)
        self._make_backoff = backoff or (lambda: Backoff(retries=settings.retries))
        self._client: httpx.AsyncClient | None = None
        self._gen: AsyncIterator[SourceEvent] | None = None
        self._user_accept = any(name.lower() == "accept" for name, _ in settings.headers)
        self.read_timeout = max(60.0, 2 * settings.timeout)
        """Longer than keep-alive periods: httpx's default 5 s would kill idle streams."""

    def events(self) -> AsyncIterator[SourceEvent]:
        self._gen = self._run()
        return self._gen

    async def aclose(self) -> None:
        gen, self._gen = self._gen, None
        if gen is not None:
            try:
                await gen.aclose()  # type: ignore[attr-defined]
            except RuntimeError:  # still running in a cancelled task: it closes itself
                pass
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # -- the reconnect loop -----------------------------------------------------------

    async def _run(self) -> AsyncIterator[SourceEvent]:
        s = self.settings
        timeout = httpx.Timeout(s.timeout, read=self.read_timeout)
        self._client = client = httpx.AsyncClient(
            timeout=timeout,
            verify=ssl_context(s),
            headers=request_headers(s),
            follow_redirects=True,
        )
        backoff = self._make_backoff()
        sse = SSEParser()
        mapper = PayloadMapper(s)
        url = apply_token_param(self.spec.target, s)
        first = True
        while True:
            if not first and s.resume_param and mapper.last_time:
                url = set_query_param(url, s.resume_param, mapper.last_time)
            first = False
            yield StateChanged(State.CONNECTING, attempt=backoff.attempt)
            backoff.attempting()
            started = time.monotonic()
            out = _Outcome()
            try:
                async for event in self._session(client, url, sse, mapper, backoff, out):
                    yield event
            except httpx.TimeoutException as exc:
                out.reason = self._timeout_reason(exc)
            except httpx.TransportError as exc:
                out.reason = self._transport_reason(exc)
            except httpx.TooManyRedirects:
                raise SourceError(
                    f"{self.spec.label} redirects in a loop; check the URL."
                ) from None
            except httpx.DecodingError:
                raise ProtocolFailure(
                    f"{self.spec.label} sent a body that cannot be decoded; check the server."
                ) from None
            except httpx.InvalidURL:
                raise SourceError(f"{self.spec.label} is not a valid URL; check it.") from None
            if out.final is not None:
                yield out.final
                return
            if not s.follow:
                if out.clean or out.reconnect_now:
                    return
                raise SourceError(
                    f"Reading {self.spec.label} failed: {out.reason}; try again later."
                )
            if out.reconnect_now:
                # The server asked for an immediate reconnect; the floor still applies.
                delay = max(0.0, backoff.floor - (time.monotonic() - started))
                backoff.reset()
            else:
                delay = self._delay(backoff, sse, out)
            yield StateChanged(State.RETRYING, out.reason, round(delay, 3), backoff.attempt)
            await asyncio.sleep(delay)

    def _delay(self, backoff: Backoff, sse: SSEParser, out: _Outcome) -> float:
        """The next wait: backoff, raised to the server's ``retry:`` and ``Retry-After``."""
        if sse.retry is not None:
            backoff.base = sse.retry / 1000
        delay = backoff.next_delay(out.reason)  # raises SourceError when out of retries
        if sse.retry is not None:
            delay = max(delay, sse.retry / 1000)
        if out.retry_after is not None:
            delay = max(delay, out.retry_after)
        return delay

    # -- one connection ---------------------------------------------------------------

    async def _session(
        self,
        client: httpx.AsyncClient,
        url: str,
        sse: SSEParser,
        mapper: PayloadMapper,
        backoff: Backoff,
        out: _Outcome,
    ) -> AsyncIterator[SourceEvent]:
        headers = {} if self._user_accept else {"Accept": _ACCEPT}
        if sse.last_event_id:
            headers["Last-Event-ID"] = sse.last_event_id
        async with client.stream("GET", url, headers=headers) as resp:
            if not self._accept(resp, out):
                return
            backoff.connected()
            yield StateChanged(State.LIVE)
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            if self.spec.scheme.startswith("sse+") or ctype == "text/event-stream":
                async for event in self._read_sse(resp, sse, mapper, out):
                    yield event
            else:
                async for batch in self._read_lines(resp, mapper, ctype):
                    yield batch
                if "content-length" in resp.headers:
                    out.final = StateChanged(State.COMPLETED, "document read")
            out.clean = True

    def _accept(self, resp: httpx.Response, out: _Outcome) -> bool:
        """True for a stream to read; False to retry; raises for permanent answers."""
        code = resp.status_code
        if code == 204:
            out.final = StateChanged(State.COMPLETED, "the server has nothing more to send (204)")
            return False
        if 200 <= code < 300:
            return True
        label = self.spec.label
        if code == 401:
            hint = (
                "the token was rejected; check --token or LOGTAIL_TOKEN"
                if self.settings.token
                else "give a token with --token or LOGTAIL_TOKEN"
            )
            raise AccessDenied(f"{label} answered 401 (not authenticated): {hint}.")
        if code == 403:
            raise AccessDenied(
                f"{label} answered 403 (not allowed): this token may not read that stream; "
                "use one that can."
            )
        if code == 404:
            raise SourceNotFound(
                f"{label} answered 404 (not found): check the URL and the id in it."
            )
        phrase = f"{code} {resp.reason_phrase}".strip()
        if code >= 500 or code in _RETRY_STATUS:
            out.reason = phrase
            out.retry_after = _retry_after(resp.headers.get("retry-after"))
            return False
        raise SourceError(f"{label} answered {phrase}; check the URL and options.")

    async def _read_sse(
        self, resp: httpx.Response, sse: SSEParser, mapper: PayloadMapper, out: _Outcome
    ) -> AsyncIterator[SourceEvent]:
        sse.reset()
        comments = sse.comments
        async for chunk in resp.aiter_bytes():
            batch = Batch()
            alive = False
            for ev in sse.feed(chunk):
                ctl = mapper.add_event(ev, batch)
                if ctl is None:
                    continue
                if ctl.kind is Kind.HEARTBEAT:
                    alive = True
                    continue
                mapper.flush(batch)
                if batch:
                    yield batch
                    batch = Batch()
                if ctl.kind is Kind.STATUS:
                    yield StateChanged(State.LIVE, ctl.detail)
                elif ctl.kind is Kind.RECONNECT:
                    out.reason = ctl.detail or "the server ended the stream (timeout)"
                    out.reconnect_now = True
                    return
                else:
                    state = State.COMPLETED if ctl.kind is Kind.COMPLETED else State.FAILED
                    out.final = StateChanged(state, ctl.detail)
                    return
            mapper.flush(batch)
            if batch:
                yield batch
            elif alive or sse.comments != comments:
                yield Heartbeat()
            comments = sse.comments

    async def _read_lines(
        self, resp: httpx.Response, mapper: PayloadMapper, ctype: str
    ) -> AsyncIterator[Batch]:
        decoder = LineDecoder(self.settings.max_line_length)
        add = mapper.add_json_seq_lines if ctype == "application/json-seq" else mapper.add_lines
        # NDJSON and text differ only in that the parser finds the JSON objects itself.
        async for chunk in resp.aiter_bytes():
            batch = Batch()
            add(decoder.decode(chunk), batch)
            mapper.flush(batch)
            if batch:
                yield batch
        batch = Batch()
        add(decoder.flush(), batch)
        mapper.flush(batch)
        if batch:
            yield batch

    # -- messages ---------------------------------------------------------------------

    def _timeout_reason(self, exc: httpx.TimeoutException) -> str:
        if isinstance(exc, httpx.ReadTimeout):
            return f"no data for {self.read_timeout:g} s"
        return f"no connection within {self.settings.timeout:g} s"

    def _transport_reason(self, exc: httpx.TransportError) -> str:
        """A short token-free phrase; permanent failures are raised instead."""
        causes = list(_causes(exc))
        if isinstance(exc, httpx.UnsupportedProtocol):
            raise SourceError(
                f"Cannot follow {self.spec.label}: only http and https URLs work here."
            )
        if any(isinstance(c, ssl.SSLCertVerificationError) for c in causes):
            raise AccessDenied(
                f"The TLS certificate of {self.spec.label} could not be verified; "
                "pass --cacert PATH or, if you trust the network, --insecure."
            )
        if any(isinstance(c, ConnectionRefusedError) for c in causes):
            return "connection refused"
        if any(isinstance(c, socket.gaierror) for c in causes):
            return "cannot resolve the host name"
        if any(isinstance(c, ssl.SSLError) for c in causes):
            return "TLS handshake failed"
        if isinstance(exc, httpx.ConnectError):
            return "cannot connect"
        if isinstance(exc, httpx.RemoteProtocolError):
            return "the server dropped the connection"
        if isinstance(exc, httpx.NetworkError):
            return "the connection was lost"
        return f"network error ({type(exc).__name__})"


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc`` and what caused it (httpx wraps httpcore wraps anyio wraps the OS error)."""
    seen: set[int] = set()
    todo: list[BaseException] = [exc]
    while todo:
        e = todo.pop()
        if id(e) in seen:
            continue
        seen.add(id(e))
        yield e
        todo += [c for c in (e.__cause__, e.__context__) if c is not None]
        todo += [c for c in getattr(e, "exceptions", ()) if isinstance(c, BaseException)]


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (delta seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), RETRY_AFTER_MAX)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return min(max(0.0, when.timestamp() - time.time()), RETRY_AFTER_MAX)
