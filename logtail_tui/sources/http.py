"""Follows an HTTP stream: SSE, NDJSON or text lines, chosen by Content-Type.

``text/event-stream`` (or any response to a ``sse+http(s)://`` URL) is read as
Server-Sent Events with ``EventSource`` semantics: ``Last-Event-ID`` on reconnect (UTF-8),
``retry:`` honoured, reconnect after a clean end unless the stream said it finished.
Anything else is lines: NDJSON (``application/x-ndjson``, ``application/jsonl`` ...)
needs nothing more, since `LineParser` maps the JSON objects among lines by itself, and
``application/json-seq`` only loses its record separators.

A line stream that ends cleanly means the server is done: the source completes. It is
fetched again only after an abnormal end (transport error, truncated body: the part
already shown is skipped, see `replay`), with ``--reconnect`` (polling), or with
``--resume-param`` (the next request continues from the last record's time).

Reconnecting, retry limits and the status-code sentences belong to `reconnect`.
How ``retry:`` and the floor interact: the server's reconnection time replaces the
backoff's base delay and is also the least we wait, but the backoff's floor still holds,
so a server cannot talk us into a reconnect storm. The ``timeout`` event of the typed
event protocol reconnects at once, under that same floor.
"""

from __future__ import annotations

import contextlib
import email.utils
import socket
import ssl
import time
from collections.abc import AsyncGenerator, Callable, Iterator

import httpx

from logtail_tui.core.times import format_epoch
from logtail_tui.sources import reconnect
from logtail_tui.sources.auth import (
    apply_token_param,
    request_headers,
    set_query_param,
    ssl_context,
)
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import (
    AccessDenied,
    Batch,
    Heartbeat,
    LineDecoder,
    ProtocolFailure,
    Settings,
    Source,
    SourceError,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.payloads import Kind, PayloadMapper
from logtail_tui.sources.reconnect import End, Ending
from logtail_tui.sources.redact import redact_label
from logtail_tui.sources.replay import BodyReplay
from logtail_tui.sources.sse import SSEParser

_ACCEPT = "text/event-stream, application/x-ndjson;q=0.9, */*;q=0.8"
RETRY_AFTER_MAX = 600.0
"""A server's ``Retry-After`` is honoured up to this many seconds."""


class HttpSource(Source):
    """Adapter for ``http``, ``https``, ``sse+http`` and ``sse+https`` sources.

    Args:
        spec: ``spec.target`` is the URL without any ``sse+`` prefix.
        settings: Network options (headers, token, TLS, timeout, retries, resume).
        backoff: Builds the reconnect policy; tests pass quicker ones, production
            uses `Backoff` with its defaults and ``settings.retries``.
    """

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
        self._user_accept = any(name.lower() == "accept" for name, _ in settings.headers)
        self.read_timeout = max(60.0, 2 * settings.timeout)
        """Longer than keep-alive periods: httpx's default 5 s would kill idle streams."""
        self._sse = SSEParser()
        self._mapper = PayloadMapper(settings)
        self._decoder = LineDecoder(settings.max_line_length)
        self._replay = BodyReplay()
        self._url = apply_token_param(spec.target, settings)
        self._connections = 0

    @classmethod
    def parse_target(cls, scheme: str, rest: str, text: str) -> str:
        return text[len("sse+") :] if scheme.startswith("sse+") else text

    @classmethod
    def describe_target(cls, scheme: str, target: str, settings: Settings) -> str:
        return redact_label(target, settings.secrets(), settings.token_param)

    async def events(self) -> AsyncGenerator[SourceEvent]:
        s = self.settings
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(s.timeout, read=self.read_timeout),
            verify=ssl_context(s),
            headers=request_headers(s),
            follow_redirects=True,
        )
        driver = reconnect.run(self, self.spec.label, s, self._make_backoff())
        async with contextlib.aclosing(driver) as stream:
            async for event in stream:
                yield event

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # -- one connection (the reconnect driver's Link) ----------------------------------

    async def connect(self, ending: Ending) -> AsyncGenerator[SourceEvent]:
        """One request: its events until the body ends; ``ending`` says how it ended."""
        assert self._client is not None
        url = self._url
        if self._connections and self.settings.resume_param and self._mapper.last_time:
            url = set_query_param(url, self.settings.resume_param, self._mapper.last_time)
        elif self.settings.since is not None and self.settings.resume_param:  # --since
            since = format_epoch(self.settings.since, utc=True)
            url = set_query_param(url, self.settings.resume_param, since)
        self._connections += 1
        headers: dict[str, str | bytes] = {} if self._user_accept else {"Accept": _ACCEPT}
        if self._sse.last_event_id:
            # httpx encodes str header values as ASCII; the spec's id may be any text.
            headers["Last-Event-ID"] = self._sse.last_event_id.encode()
        async with self._client.stream("GET", url, headers=headers) as resp:
            code = resp.status_code
            if code == 204:
                ending.end = End.DONE
                ending.reason = "the server has nothing more to send (204)"
                return
            if not 200 <= code < 300:
                self._copy(self._status(resp), ending)
                return
            yield StateChanged(State.LIVE)
            ctype = resp.headers.get("content-type", "").split(";")[0].strip().lower()
            if self.spec.scheme.startswith("sse+") or ctype == "text/event-stream":
                async for event in self._read_sse(resp, ending):
                    yield event
                self._with_retry(ending)
            else:
                async for batch in self._read_lines(resp, ctype):
                    yield batch
                self._lines_ended(resp, ending)

    def classify(self, exc: Exception) -> Ending:
        """Transport failures are retried; redirect loops, bad URLs and TLS are not."""
        label = self.spec.label
        if isinstance(exc, httpx.TimeoutException):
            if isinstance(exc, httpx.ReadTimeout):
                reason = f"no data for {self.read_timeout:g} s"
            else:
                reason = f"no connection within {self.settings.timeout:g} s"
            return self._with_retry(Ending(End.DROPPED, reason))
        if isinstance(exc, httpx.TransportError):
            return self._with_retry(Ending(End.DROPPED, self._transport_reason(exc)))
        if isinstance(exc, httpx.TooManyRedirects):
            raise SourceError(f"{label} redirects in a loop; check the URL.")
        if isinstance(exc, httpx.DecodingError):
            raise ProtocolFailure(f"{label} sent a body that cannot be decoded; check the server.")
        if isinstance(exc, httpx.InvalidURL):
            raise SourceError(f"{label} is not a valid URL; check it.")
        raise exc

    def _status(self, resp: httpx.Response) -> Ending:
        return reconnect.http_status(
            resp.status_code,
            self.spec.label,
            token_given=bool(self.settings.token),
            wait=lambda: _retry_after(resp.headers.get("retry-after")),
        )

    @staticmethod
    def _copy(src: Ending, dst: Ending) -> None:
        dst.end, dst.reason, dst.wait_at_least = src.end, src.reason, src.wait_at_least

    def _with_retry(self, ending: Ending) -> Ending:
        """The SSE ``retry:`` time becomes the backoff base and least wait."""
        if self._sse.retry is not None:
            ending.base = self._sse.retry / 1000
        return ending

    def _lines_ended(self, resp: httpx.Response, ending: Ending) -> None:
        """A line stream ended cleanly: done, unless polling or resuming was asked for."""
        s = self.settings
        if s.resume_param:
            self._replay.forget()  # the next request continues: nothing repeats
        if s.follow and (s.reconnect or s.resume_param):
            return
        ending.end = End.DONE
        ending.reason = (
            "document read" if "content-length" in resp.headers else "the server ended the stream"
        )

    async def _read_sse(self, resp: httpx.Response, ending: Ending) -> AsyncGenerator[SourceEvent]:
        sse, mapper = self._sse, self._mapper
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
                    ending.end = End.NOW
                    ending.reason = ctl.detail or "the server ended the stream (timeout)"
                    return
                else:
                    state = State.COMPLETED if ctl.kind is Kind.COMPLETED else State.FAILED
                    ending.end = End.DONE
                    ending.final = StateChanged(state, ctl.detail)
                    return
            mapper.flush(batch)
            if batch:
                yield batch
            elif alive or sse.comments != comments:
                yield Heartbeat()
            comments = sse.comments

    async def _read_lines(self, resp: httpx.Response, ctype: str) -> AsyncGenerator[Batch]:
        mapper, decoder, replay = self._mapper, self._decoder, self._replay
        add = mapper.add_json_seq_lines if ctype == "application/json-seq" else mapper.add_lines
        replay.start()
        # NDJSON and text differ only in that the parser finds the JSON objects itself.
        chunks = resp.aiter_bytes()
        done = False
        while not done:
            chunk = await anext(chunks, None)
            if chunk is None:
                done = True
                data, fresh = replay.finish()
            else:
                data, fresh = replay.feed(chunk)
            batch = Batch()
            if fresh:  # a different body: the line the last one cut stands alone
                add(decoder.flush(), batch)
            add(decoder.decode(data), batch)
            if done:
                add(decoder.flush(), batch)
            mapper.flush(batch)
            if batch:
                yield batch

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
