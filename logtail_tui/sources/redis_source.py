"""Redis Streams source (``redis://``, ``rediss://``); see docs/architecture.md.

``redis://[user:pass@]host:port/STREAM[,STREAM2][?from=0|ID][&db=N]`` follows one or more
streams with ``XREAD BLOCK``. By default only entries added after logtail connects are
shown; ``from=0`` replays each stream from its start and ``from=ID`` starts after that
entry id. The last id seen per stream is the resume point: after a dropped connection
or a server restart reading continues right after it, so nothing is lost or doubled
(as far as the server kept the entries). ``--no-follow`` reads what is there and ends.

An entry whose only field, or whose ``message``-like field, holds a line is parsed like
any other source's line (JSON, logfmt or text); other entries become a record of their
fields. The entry id's milliseconds are the record time when the payload has none, and
with several streams each record starts with ``[stream] ``.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncGenerator, Coroutine
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from logtail_tui.core.errors import AccessDenied, ProtocolFailure, SourceError, UsageError
from logtail_tui.core.parse import LineParser
from logtail_tui.core.settings import Settings
from logtail_tui.sources import auth, reconnect
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.engines import (
    PAYLOAD_KEYS,
    EntryRecords,
    epoch_ms_time,
    require,
)
from logtail_tui.sources.reconnect import End, Ending
from logtail_tui.sources.redact import redact

COUNT = 10_000
"""Entries asked for per stream and ``XREAD``: large batches keep the per-call cost low."""
BLOCK_MS = 5_000
"""How long one ``XREAD BLOCK`` waits; the socket timeout is longer than this."""
_ID = b"0123456789-"


class RedisStreamSource(Source):
    """Follows Redis streams; resumes after the last entry id of each stream.

    Args:
        spec: ``spec.text`` is the ``redis://`` URL (may hold a password; never shown).
        settings: TLS, timeout, retries, ``--no-follow`` and parsing options.
        backoff: The reconnect policy; tests may pass a faster one.
    """

    description = "Redis Streams (XREAD; resumes from the last entry id per stream)"

    def __init__(
        self, spec: SourceSpec, settings: Settings, backoff: Backoff | None = None
    ) -> None:
        super().__init__(spec, settings)
        self.backoff = backoff or Backoff(retries=settings.retries)
        url = urlsplit(f"{spec.scheme}:{spec.target}")
        self.tls = spec.scheme == "rediss"
        self.host = url.hostname or "localhost"
        try:
            self.port = url.port or 6379
        except ValueError:
            raise UsageError(
                f"{spec.label} has an invalid port; use redis://host:6379/STREAM."
            ) from None
        self.username = unquote(url.username) if url.username else None
        self.password = unquote(url.password) if url.password else None
        self.streams = [unquote(s) for s in url.path.lstrip("/").split(",") if s]
        if not self.streams:
            raise UsageError(
                f"{spec.label} names no stream; use redis://host:port/STREAM[,STREAM2]."
            )
        query = dict(parse_qsl(url.query))
        start = query.get("from", "$")
        if settings.since is not None and "from" not in query:  # --since: ids are ms-seq
            start = f"{max(0, int(settings.since * 1000) - 1)}-18446744073709551615"
        if start != "$" and not (start and all(c in _ID for c in start.encode())):
            raise UsageError(
                f"from={start} in {spec.label} is not an entry id; use from=0, from=$ or "
                "from=<ms>-<seq>."
            )
        try:
            self.db = int(query.get("db", "0"))
        except ValueError:
            raise UsageError(f"db= in {spec.label} must be a number.") from None
        self.last_ids: dict[str, str] = dict.fromkeys(self.streams, start)
        """Where each stream is read from next: the last id shown (``$`` until resolved)."""
        self.records = EntryRecords(
            LineParser(settings.format, settings.field_map), settings.max_line_length
        )
        password = self.password or ""
        self._secrets = (*settings.secrets(), *((password,) if len(password) >= 4 else ()))
        self._client: Any = None

    # -- the loop: the shared reconnect driver runs connect/classify (a reconnect.Link)
    async def events(self) -> AsyncGenerator[SourceEvent]:
        driver = reconnect.run(self, self.spec.label, self.settings, self.backoff)
        async with contextlib.aclosing(driver) as stream:
            async for event in stream:
                yield event

    async def connect(self, ending: Ending) -> AsyncGenerator[SourceEvent]:
        """One connection: resolve ``$`` to real ids, then read until it drops."""
        aioredis = require("redis.asyncio", "redis", "Redis Streams")
        retry = require("redis.asyncio.retry", "redis", "Redis Streams")
        backoffs = require("redis.backoff", "redis", "Redis Streams")
        options: dict[str, Any] = {}
        if self.tls:
            options["ssl"] = True
            tls = auth.ssl_context(self.settings)
            if isinstance(tls, ssl.SSLContext) and self.settings.insecure:
                options.update(ssl_cert_reqs="none", ssl_check_hostname=False)
            elif self.settings.cacert:
                options["ssl_ca_certs"] = self.settings.cacert
        client = self._client = aioredis.Redis(
            host=self.host,
            port=self.port,
            db=self.db,
            username=self.username,
            password=self.password,
            protocol=2,
            socket_connect_timeout=self.settings.timeout,
            socket_timeout=BLOCK_MS / 1000 + self.settings.timeout,
            retry=retry.Retry(backoffs.NoBackoff(), 0),  # we own reconnecting
            **options,
        )
        try:
            await client.ping()
            for stream, last in self.last_ids.items():
                if last == "$":
                    newest = await client.xrevrange(stream, count=1)
                    self.last_ids[stream] = newest[0][0].decode() if newest else "0-0"
            yield StateChanged(State.LIVE, self._where())
            block = BLOCK_MS if self.settings.follow else None
            several = len(self.streams) > 1
            while True:
                reply = await _cancellable(client.xread(self.last_ids, count=COUNT, block=block))
                if not reply:
                    if not self.settings.follow:
                        ending.end, ending.reason = End.DONE, "read every entry"
                        return
                    continue
                for name, entries in reply:
                    stream = name.decode("utf-8", "replace")
                    self._add(entries, stream if several else "")
                    self.last_ids[stream] = entries[-1][0].decode()
                yield self.records.take()
        finally:
            self._client = None
            await _close(client)

    def _add(self, entries: list[tuple[bytes, dict[bytes, bytes]]], tag: str) -> None:
        add_payload, add_fields = self.records.payload, self.records.fields
        for entry_id, fields in entries:
            time = epoch_ms_time(int(entry_id.split(b"-", 1)[0]))
            if len(fields) == 1:
                key, value = next(iter(fields.items()))
                if key.decode("utf-8", "replace").lower() in PAYLOAD_KEYS:
                    add_payload(value.decode("utf-8", "replace"), time, tag)
                    continue
            add_fields(
                {
                    k.decode("utf-8", "replace"): v.decode("utf-8", "replace")
                    for k, v in fields.items()
                },
                time,
                tag,
            )

    def _where(self) -> str:
        after = ", ".join(f"{s} after {i}" for s, i in self.last_ids.items())
        return redact(f"reading {after}", self._secrets)

    # -- failures
    def classify(self, exc: Exception) -> Ending:
        """A short reason to retry after ``exc``; raises when retrying cannot help."""
        errors = require("redis.exceptions", "redis", "Redis Streams")
        label = self.spec.label
        text = redact(str(exc), self._secrets)
        upper = text.upper()
        if isinstance(exc, errors.AuthenticationError) or any(
            code in upper
            for code in ("WRONGPASS", "NOAUTH", "INVALID PASSWORD", "INVALID USERNAME")
        ):
            raise AccessDenied(
                f"Redis at {label} refused the credentials ({text.rstrip('.')}); "
                "put the right user and password in the URL: redis://user:pass@host:port/STREAM."
            )
        if "NOPERM" in upper:
            raise AccessDenied(
                f"Redis at {label} does not let this user read the stream ({text.rstrip('.')}); "
                "grant it XREAD and XREVRANGE on the key."
            )
        if "WRONGTYPE" in upper:
            raise ProtocolFailure(
                f"A key named in {label} holds something other than a stream; "
                "name stream keys only."
            )
        if "CERTIFICATE_VERIFY_FAILED" in upper or isinstance(exc, ssl.SSLCertVerificationError):
            raise AccessDenied(
                f"The TLS certificate of {label} could not be verified; "
                "pass --cacert with the right CA or --insecure."
            )
        if isinstance(exc, errors.BusyLoadingError):
            return Ending(End.DROPPED, "the server is loading its data")
        if isinstance(exc, errors.TimeoutError | TimeoutError):
            return Ending(End.DROPPED, f"no answer within {self.settings.timeout:g} s")
        if isinstance(exc, errors.ConnectionError | OSError):
            lower = text.lower()
            if "refused" in lower or "error 111 " in lower or "connect call failed" in lower:
                return Ending(End.DROPPED, "connection refused")
            if "name or service" in lower or "nodename" in lower:
                return Ending(End.DROPPED, "host not found")
            return Ending(End.DROPPED, "connection lost")
        if isinstance(exc, errors.ResponseError):
            raise SourceError(f"Redis at {label} answered an error ({text}); check the URL.")
        raise exc

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await _close(client)


async def _cancellable(call: Coroutine[Any, Any, Any]) -> Any:
    """Await a redis-py call in its own task: a blocked ``XREAD`` can swallow a cancel
    (its internal timeout absorbs it) and then block again, so a cancel is taken here
    and passed on."""
    task = asyncio.ensure_future(call)
    try:
        await asyncio.wait([task])
    except asyncio.CancelledError:
        task.cancel()
        raise
    return task.result()


async def _close(client: Any) -> None:
    """Close ``client`` without waiting on a server that may be gone or mid-``XREAD``."""
    with contextlib.suppress(Exception):
        async with asyncio.timeout(1.0):
            await client.aclose()
