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

The adapter is "connect once" (`LokiSource.connect`) plus "classify this failure"
(`LokiSource.classify`) run by the shared reconnect driver (`reconnect`), which also
owns the status and close-code sentences.
"""

from __future__ import annotations

import base64
import contextlib
import re
import ssl
from collections.abc import AsyncGenerator
from typing import Any
from urllib.parse import quote, unquote, urlencode, urlsplit

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from logtail_tui.core.sanitize import sanitize
from logtail_tui.sources import auth, reconnect
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import (
    Batch,
    Level,
    LineParser,
    Settings,
    Source,
    SourceError,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.loki_tail import TailInterpreter
from logtail_tui.sources.reconnect import End, Ending
from logtail_tui.sources.redact import redact, shorten
from logtail_tui.sources.websocket import connect_failure

TAIL_PATH = "/loki/api/v1/tail"
MAX_MESSAGE = 64 * 2**20
"""Largest tail message accepted (``limit`` entries of long lines can be big)."""
DEFAULT_LIMIT = 100
"""Loki's own default for ``limit``."""
_PARAM_SPLIT = re.compile(r"&(?=[A-Za-z_]+=)")


class LokiSource(Source):
    """Follows a Loki tail; resumes from the last timestamp after every disconnect.

    Args:
        spec: ``spec.target`` is ``//[user:pass@]host:port[/prefix]/?query=...`` (may hold
            secrets; never shown).
        settings: Headers, token, retries, TLS and parsing options.
        backoff: The reconnect policy; tests may pass a faster one.
    """

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
        elif self.settings.since is not None and "start" not in params:  # --since, in ns
            params["start"] = str(int(self.settings.since * 1e9))
        return f"{self._base}?{urlencode(params)}"

    async def events(self) -> AsyncGenerator[SourceEvent]:
        driver = reconnect.run(self, self.spec.label, self.settings, self.backoff)
        async with contextlib.aclosing(driver) as stream:
            async for event in stream:
                yield event

    # -- one connection (the reconnect driver's Link)
    async def connect(self, ending: Ending) -> AsyncGenerator[SourceEvent]:
        """Events of one tail connection; a normal close by Loki means "resume"."""
        try:
            async for event in self._tail_once():
                yield event
        except ConnectionClosed as exc:
            if exc.rcvd is None or exc.rcvd.code not in (1000, 1001):
                raise
        finally:
            await self._close_socket()
        ending.end, ending.reason = End.CLEAN, "Loki ended the tail"

    async def _tail_once(self) -> AsyncGenerator[SourceEvent]:
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
        yield StateChanged(State.LIVE, self._detail())
        first = bool(resumed_from)
        while True:
            message = await ws.recv()  # ConnectionClosed ends the connection
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
    def classify(self, exc: Exception) -> Ending:
        """An `Ending` for a retryable failure; raises `SourceError` for permanent ones."""
        label = self.spec.label
        if isinstance(exc, InvalidStatus):
            status = exc.response.status_code
            body = shorten(self._redact(exc.response.body.decode("utf-8", "replace")), 200)
            return reconnect.http_status(
                status,
                f"Loki at {label}",
                token_given=bool(self.settings.token),
                said=body,
                auth_hint="check --token, the user:password in the URL or the -H headers",
                advice="check the LogQL query, limit and delay_for",
            )
        if isinstance(exc, ConnectionClosed):
            code = exc.rcvd.code if exc.rcvd is not None else 1006
            reason = shorten(self._redact(exc.rcvd.reason), 200) if exc.rcvd else ""
            return reconnect.close_code(code, reason, f"the Loki tail {label}")
        return connect_failure(
            exc,
            label,
            self.settings.timeout,
            self._redact,
            endpoint="check that host and port are Loki's HTTP port",
        )

    # -- closing
    def _redact(self, text: str) -> str:
        return redact(text, self._secrets)

    async def _close_socket(self) -> None:
        ws, self._ws = self._ws, None
        if ws is not None:
            with contextlib.suppress(OSError, ConnectionClosed):
                await ws.close()

    async def aclose(self) -> None:
        await self._close_socket()
