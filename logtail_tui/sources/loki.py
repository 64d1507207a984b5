"""Grafana Loki source (``loki://host:port/?query={app="api"}``, ``lokis://`` for TLS).

Follows Loki's tail WebSocket, ``GET /loki/api/v1/tail?query=LogQL&limit=&delay_for=&start=``
(a path before ``/`` in the URL is kept as a prefix, for Loki behind a proxy). Messages
become records as `loki_tail` describes.

Loki closes a tail at ``max_tail_duration`` (an hour by default) and on restarts. We
reconnect with ``start`` set to the newest timestamp shown; Loki answers with every entry
from that instant on, boundary included, and the interpreter skips the ones already shown,
so nothing is lost or doubled. Loki's first answer on each connection is the newest
``limit`` entries since ``start`` (100 unless the URL says otherwise): a disconnection
during which more than ``limit`` entries arrived loses the older ones, and we say so.

Credentials: ``--token`` as ``Authorization: Bearer``, ``user:password@`` in the URL as
basic auth, ``-H`` for anything else (``X-Scope-OrgID``); none is ever displayed.

The adapter is "connect once" (`LokiSource._connect_once`) plus "classify this failure"
(`LokiSource._classify`) around a small loop with `Backoff`, so a shared reconnect
driver can take it over.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import re
import socket
import ssl
from collections.abc import AsyncGenerator, AsyncIterator
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidMessage, InvalidStatus

from logtail_tui.core.errors import AccessDenied, ProtocolFailure, SourceError, SourceNotFound
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.sanitize import sanitize
from logtail_tui.core.settings import Settings
from logtail_tui.sources import auth, registry
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.loki_tail import TailInterpreter

TAIL_PATH = "/loki/api/v1/tail"
MAX_MESSAGE = 64 * 2**20
"""Largest tail message accepted (``limit`` entries of long lines can be big)."""
DEFAULT_LIMIT = 100
"""Loki's own default for ``limit``."""
_PARAM_SPLIT = re.compile(r"&(?=[A-Za-z_]+=)")
_RETRY_STATUSES = {408, 425, 429}
_PERMANENT_CLOSES = {1002, 1003, 1007, 1009, 1010}


class LokiSource(Source):
    """Follows a Loki tail; resumes from the last timestamp after every disconnect.

    Args:
        spec: ``spec.target`` is ``//[user:pass@]host:port[/prefix]/?query=...`` (may hold
            secrets; never shown).
        settings: Headers, token, retries, TLS and parsing options.
        backoff: The reconnect policy; tests may pass a faster one.
    """

    schemes = ("loki", "lokis")
    description = "Grafana Loki tail (LogQL query; resumes from the last timestamp)"

    def __init__(
        self, spec: SourceSpec, settings: Settings, backoff: Backoff | None = None
    ) -> None:
        super().__init__(spec, settings)
        self.backoff = backoff or Backoff(retries=settings.retries)
        self.tail = TailInterpreter(
            LineParser(settings.format, settings.field_map), settings.max_line_length
        )
        self._base, self._params, self._headers, self._secrets = self._parse_target()
        self._ws: ClientConnection | None = None

    # -- the URL
    def _parse_target(self) -> tuple[str, dict[str, str], dict[str, str], tuple[str, ...]]:
        """Tail URL without query, the query parameters, headers and extra secrets."""
        tls = self.spec.scheme == "lokis"
        parts = urlsplit(f"{self.spec.scheme}:{self.spec.target}")
        if not parts.hostname:
            raise SourceError(
                f'{self.spec.label} names no Loki host; use loki://host:3100/?query={{app="api"}}.'
            )
        params: dict[str, str] = {}
        for pair in _PARAM_SPLIT.split(parts.query) if parts.query else ():
            name, _, value = pair.partition("=")
            params[unquote(name)] = unquote(value)  # not unquote_plus: LogQL keeps its '+'
        if not params.get("query", "").strip():
            raise SourceError(
                f'{self.spec.label} has no LogQL query; add ?query={{app="api"}} to the URL.'
            )
        headers = auth.request_headers(self.settings)
        secrets = list(self.settings.secrets())
        if parts.username is not None:
            user, password = unquote(parts.username), unquote(parts.password or "")
            credential = base64.b64encode(f"{user}:{password}".encode()).decode()
            if not any(name.lower() == "authorization" for name, _ in self.settings.headers):
                headers["Authorization"] = f"Basic {credential}"
            secrets += [s for s in (password, credential) if len(s) >= 4]
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        netloc = f"{host}:{parts.port}" if parts.port else host
        prefix = parts.path.rstrip("/")
        path = prefix if prefix.endswith(TAIL_PATH) else prefix + TAIL_PATH
        base = f"{'wss' if tls else 'ws'}://{netloc}{quote(path)}"
        return base, params, headers, tuple(secrets)

    def _url(self) -> str:
        params = dict(self._params)
        if self.tail.last_ns:
            params["start"] = str(self.tail.last_ns)
        return f"{self._base}?{urlencode(params)}"

    # -- the loop (until a shared reconnect driver takes it over)
    async def events(self) -> AsyncIterator[SourceEvent]:
        while True:
            yield StateChanged(State.CONNECTING, attempt=self.backoff.attempt)
            self.backoff.attempting()
            try:
                async with contextlib.aclosing(self._connect_once()) as connection:
                    async for event in connection:
                        yield event
                reason = "Loki ended the tail"
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                reason = self._classify(exc)  # raises when retrying cannot help
            finally:
                await self._close_socket()
            if not self.settings.follow:
                if reason == "Loki ended the tail":
                    yield StateChanged(State.COMPLETED, reason)
                    return
                raise SourceError(
                    f"{self.spec.label}: {reason}; drop --no-follow to reconnect automatically."
                )
            delay = self.backoff.next_delay(reason)
            yield StateChanged(State.RETRYING, reason, delay, self.backoff.attempt)
            await asyncio.sleep(delay)

    # -- one connection
    async def _connect_once(self) -> AsyncGenerator[SourceEvent, None]:
        """Events of one tail connection; returns when Loki closes it normally.

        Raises:
            Exception: whatever ended it otherwise, for `_classify`.
        """
        extra: dict[str, Any] = {}
        tls = auth.ssl_context(self.settings)
        if self._base.startswith("wss:") and isinstance(tls, ssl.SSLContext):
            extra["ssl"] = tls
        headers = dict(self._headers)
        user_agent = headers.pop("User-Agent", None)
        resumed_from = self.tail.last_ns
        self._ws = ws = await connect(
            self._url(),
            additional_headers=headers,
            user_agent_header=user_agent,
            open_timeout=self.settings.timeout,
            max_size=MAX_MESSAGE,
            close_timeout=2.0,
            **extra,
        )
        self.backoff.connected()
        yield StateChanged(State.LIVE, self._detail())
        first = bool(resumed_from)
        while True:
            try:
                message = await ws.recv()
            except ConnectionClosed as exc:
                if exc.rcvd is not None and exc.rcvd.code in (1000, 1001):
                    return  # max_tail_duration or a shutdown: resume
                raise
            skipped = self.tail.duplicates
            try:
                batch, dropped = self.tail.feed(message)
            except (ValueError, RecursionError):
                batch, dropped = self._notice(f"not a Loki tail message: {message[:200]!r}"), 0
            if first:
                first = False
                if self.tail.duplicates == skipped and len(batch) >= self._limit():
                    batch.extend(self._gap_notice())
            if dropped:
                batch.extend(self._notice(
                    f"Loki dropped {dropped} entries (total {self.tail.dropped}): the tail "
                    "could not keep up; narrow the query or raise delay_for."
                ))  # fmt: skip
            if batch:
                yield batch
            if dropped:
                yield StateChanged(State.LIVE, self._detail())

    def _limit(self) -> int:
        try:
            return int(self._params.get("limit", DEFAULT_LIMIT))
        except ValueError:
            return DEFAULT_LIMIT

    def _detail(self) -> str:
        if self.tail.dropped:
            return f"Loki dropped {self.tail.dropped} entries so far"
        return "tailing" if not self.tail.last_ns else "tailing (resumed)"

    def _gap_notice(self) -> Batch:
        return self._notice(
            f"more than limit={self._limit()} entries arrived while disconnected and Loki "
            "sends only the newest ones; some may be missing here: raise limit in the URL."
        )

    def _notice(self, text: str) -> Batch:
        """A warning line in the log itself, where the problem happened."""
        batch = Batch()
        batch.append(sanitize(f"logtail: {self.spec.label}: {self._redact(text)}"), Level.WARNING)
        return batch

    # -- failures
    def _classify(self, exc: Exception) -> str:
        """A short reason for a retryable failure; raises `SourceError` for permanent ones."""
        label = self.spec.label
        if isinstance(exc, InvalidStatus):
            status = exc.response.status_code
            body = self._redact(sanitize(exc.response.body.decode("utf-8", "replace")))
            body = " ".join(body.split())[:200]
            if status == 401:
                raise AccessDenied(
                    f"Loki at {label} refused the credentials (401); check --token, the "
                    "user:password in the URL or the -H headers."
                ) from None
            if status == 403:
                raise AccessDenied(
                    f"Loki at {label} forbids this tail (403); check that your credentials "
                    "may read this tenant (X-Scope-OrgID)."
                ) from None
            if status == 404:
                raise SourceNotFound(
                    f"No Loki tail endpoint at {label} (404); check the host, port and path prefix."
                ) from None
            if status >= 500 or status in _RETRY_STATUSES:
                return f"HTTP {status}" + (f": {body}" if body else "")
            raise SourceError(
                f"Loki rejected the tail of {label} (HTTP {status}"
                + (f": {body}" if body else "")
                + "); check the LogQL query, limit and delay_for."
            ) from None
        if isinstance(exc, ConnectionClosed):
            code = exc.rcvd.code if exc.rcvd is not None else 1006
            reason = self._redact(sanitize(exc.rcvd.reason))[:200] if exc.rcvd else ""
            if code == 1008:
                raise AccessDenied(
                    f"Loki closed the tail of {label} (1008{': ' + reason if reason else ''}); "
                    "check your credentials and the tenant."
                ) from None
            if code in _PERMANENT_CLOSES:
                raise ProtocolFailure(
                    f"Loki closed the tail of {label} with code {code}"
                    f"{' (' + reason + ')' if reason else ''}; check that the URL is a Loki server."
                ) from None
            return f"closed {code}" + (f" ({reason})" if reason else "")
        if isinstance(exc, ssl.SSLCertVerificationError):
            raise AccessDenied(
                f"The TLS certificate of {label} could not be verified ({exc.verify_message}); "
                "pass --cacert with the right CA or --insecure."
            ) from None
        if isinstance(exc, InvalidMessage):
            return "the server dropped the connection during the handshake"
        if isinstance(exc, InvalidHandshake):
            raise ProtocolFailure(
                f"{label} did not complete a WebSocket handshake ({self._redact(str(exc))}); "
                "check that host and port are Loki's HTTP port."
            ) from None
        if isinstance(exc, TimeoutError):
            return f"no answer within {self.settings.timeout:g} s"
        if isinstance(exc, socket.gaierror):
            return "host not found"
        if isinstance(exc, OSError):
            if isinstance(exc, ConnectionRefusedError) or "refused" in str(exc).lower():
                return "connection refused"
            return self._redact(exc.strerror or str(exc) or type(exc).__name__)
        raise exc

    # -- closing
    def _redact(self, text: str) -> str:
        return registry.redact(text, self._secrets)

    async def _close_socket(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(OSError, ConnectionClosed):
                await ws.close()

    async def aclose(self) -> None:
        await self._close_socket()
