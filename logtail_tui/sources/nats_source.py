"""NATS source (``nats://``): core subjects or a JetStream stream; see docs/architecture.md.

``nats://[user:pass@|token@]host:port/SUBJECT[,SUBJECT2]`` subscribes to core NATS
subjects (``*`` matches one token, ``>`` the rest). Core NATS keeps no history: what is
published while logtail is disconnected is gone, and the state detail says so.

``?stream=NAME`` reads a JetStream stream instead, one ordered consumer per subject (all
of the stream's subjects when none is named), from ``deliver=new`` (the default), ``all``,
``last`` or ``since:TIME`` (ISO 8601, or an age such as ``15m``, ``2h``, ``1d``). The last
stream sequence shown is the resume point: after a dropped connection or a server
restart each consumer starts again right after it, so nothing is lost or doubled.

Payloads are parsed like any other source's lines (JSON, logfmt or text). JetStream's
time is the record time when the payload has none; with several subjects, or a wildcard,
each record starts with ``[subject] ``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import ssl
from collections.abc import AsyncGenerator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from logtail_tui.core.errors import AccessDenied, SourceError, SourceNotFound, UsageError
from logtail_tui.core.parse import LineParser
from logtail_tui.core.settings import Settings
from logtail_tui.sources import auth, reconnect
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.engines import EntryRecords, epoch_ms_time, require
from logtail_tui.sources.reconnect import End, Ending
from logtail_tui.sources.redact import redact

BATCH_CAP = 10_000
"""Records gathered before the message handler waits for the consumer."""
NO_REPLAY = "core NATS cannot replay messages published while disconnected"
_AGE = re.compile(r"^(\d+(?:\.\d+)?)([smhd])$")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_DELIVER = ("new", "all", "last")


class ConnectionLost(Exception):
    """The NATS client closed: ``cause`` is the last error it saw, if any."""

    def __init__(self, cause: BaseException | None) -> None:
        super().__init__(str(cause) if cause else "connection lost")
        self.cause = cause


class NatsSource(Source):
    """Follows NATS subjects, or a JetStream stream resumed by stream sequence.

    Args:
        spec: ``spec.text`` is the ``nats://`` URL (may hold credentials; never shown).
        settings: TLS, timeout, retries, ``--no-follow`` and parsing options.
        backoff: The reconnect policy; tests may pass a faster one.
    """

    description = "NATS subjects (core) and JetStream streams (resumes by sequence)"

    def __init__(
        self, spec: SourceSpec, settings: Settings, backoff: Backoff | None = None
    ) -> None:
        super().__init__(spec, settings)
        self.backoff = backoff or Backoff(retries=settings.retries)
        url = urlsplit(f"nats:{spec.target}")
        try:
            port = url.port or 4222
        except ValueError:
            raise UsageError(
                f"{spec.label} has an invalid port; use nats://host:4222/SUBJECT."
            ) from None
        self.server = f"nats://{url.hostname or 'localhost'}:{port}"
        self.user = unquote(url.username) if url.username else None
        self.password = unquote(url.password) if url.password else None
        self.subjects = [unquote(s) for s in url.path.lstrip("/").split(",") if s]
        query = dict(parse_qsl(url.query))
        self.stream = query.get("stream") or None
        if not self.subjects:
            if not self.stream:
                raise UsageError(f"{spec.label} names no subject; use nats://host:port/SUBJECT.")
            self.subjects = [">"]
        self.deliver = query.get("deliver", "new")
        self._since = self._parse_deliver(self.deliver) if self.stream else None
        if settings.since is not None and "deliver" not in query and self.stream:  # --since
            self.deliver, self._since = "since", datetime.fromtimestamp(settings.since, UTC)
        if not self.stream and not settings.follow:
            raise UsageError(
                f"Core NATS keeps no history, so --no-follow has nothing to read from "
                f"{spec.label}; add ?stream=NAME to read a JetStream stream."
            )
        self.last_seq: dict[str, int] = {}
        """JetStream: per subject filter, the stream sequence of the last message shown."""
        self.tagged = len(self.subjects) > 1 or any(
            "*" in s or ">" in s for s in self.subjects if not (self.stream and s == ">")
        )
        self.records = EntryRecords(
            LineParser(settings.format, settings.field_map), settings.max_line_length
        )
        secret = self.password or self.user  # a lone user name is a token
        self._secrets = (*settings.secrets(), *((secret,) if secret and len(secret) >= 4 else ()))
        self._nc: Any = None
        self._connections = 0

    def _parse_deliver(self, deliver: str) -> datetime | None:
        if deliver in _DELIVER:
            return None
        when = deliver.removeprefix("since:").replace(" ", "+")  # an unescaped "+00:00"
        if when != deliver:
            if m := _AGE.match(when):
                return datetime.now(UTC) - timedelta(seconds=float(m[1]) * _UNITS[m[2]])
            try:
                stamp = datetime.fromisoformat(when)
                return stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)
            except ValueError:
                pass
        raise UsageError(
            f"deliver={deliver} in {self.spec.label} is not known; use deliver=new, all, last, "
            "since:2026-01-31T12:00:00Z or since:15m."
        )

    # -- the loop: the shared reconnect driver runs connect/classify (a reconnect.Link)
    async def events(self) -> AsyncGenerator[SourceEvent]:
        driver = reconnect.run(self, self.spec.label, self.settings, self.backoff)
        async with contextlib.aclosing(driver) as stream:
            async for event in stream:
                yield event

    async def connect(self, ending: Ending) -> AsyncGenerator[SourceEvent]:
        """One connection: subscribe (resuming JetStream consumers), read until it closes."""
        nats = require("nats", "nats", "NATS")
        errors: list[BaseException] = []
        closed = asyncio.Event()
        wake = asyncio.Event()
        room = asyncio.Event()

        async def on_error(exc: Exception) -> None:
            errors.append(exc)

        async def on_closed() -> None:
            closed.set()
            wake.set()

        options: dict[str, Any] = {}
        tls = auth.ssl_context(self.settings)
        if isinstance(tls, ssl.SSLContext):
            options["tls"] = tls
        if self.user and self.password is None:
            options["token"] = self.user  # nats://TOKEN@host
        elif self.user:
            options.update(user=self.user, password=self.password)
        try:
            nc = await nats.connect(
                self.server,
                name="logtail",
                allow_reconnect=False,  # we own reconnecting (and resuming)
                max_reconnect_attempts=1,
                reconnect_time_wait=0,
                connect_timeout=self.settings.timeout,
                error_cb=on_error,
                closed_cb=on_closed,
                pending_size=16 * 2**20,
                **options,
            )
        except Exception as exc:
            raise ConnectionLost(_first_real(errors) or exc) from None
        self._nc = nc
        several = self.tagged
        records = self.records

        async def on_message(msg: Any, subject: str | None = None) -> None:
            time = None
            if subject is not None:
                seq, stamp_ns, self._pending[subject] = _js_position(msg.reply)
                self.last_seq[subject] = seq
                time = epoch_ms_time(stamp_ns // 1_000_000)
            records.payload(
                msg.data.decode("utf-8", "replace"), time, msg.subject if several else ""
            )
            wake.set()
            if len(records) >= BATCH_CAP:
                room.clear()
                await room.wait()

        try:
            if self.stream:
                await self._subscribe_stream(nc, on_message)
            else:
                for subject in self.subjects:
                    await nc.subscribe(subject, cb=on_message, pending_msgs_limit=1_000_000)
                await nc.flush()
            self._connections += 1
            yield StateChanged(State.LIVE, self._live_detail())
            while True:
                await wake.wait()
                wake.clear()
                batch = records.take()
                room.set()
                if batch:
                    yield batch
                if closed.is_set():
                    raise ConnectionLost(nc.last_error or _first_real(errors))
                if not self.settings.follow and self._caught_up(nc):
                    ending.end, ending.reason = End.DONE, "read every message"
                    return
        finally:
            self._nc = None
            room.set()
            with contextlib.suppress(Exception):
                await nc.close()

    async def _subscribe_stream(self, nc: Any, handler: Any) -> None:
        api = require("nats.js.api", "nats", "NATS")
        js = nc.jetstream(timeout=self.settings.timeout)
        newest: int | None = None
        self._pending: dict[str, int] = {}
        for subject in self.subjects:
            seq = self.last_seq.get(subject)
            config = api.ConsumerConfig()
            if seq is None and self.deliver == "new":
                if newest is None:
                    newest = (await js.stream_info(self.stream)).state.last_seq
                seq = self.last_seq[subject] = newest
            if seq is not None:
                config.deliver_policy = api.DeliverPolicy.BY_START_SEQUENCE
                config.opt_start_seq = seq + 1
            elif self._since is not None:
                config.deliver_policy = api.DeliverPolicy.BY_START_TIME
                config.opt_start_time = self._since
            elif self.deliver == "last":
                config.deliver_policy = api.DeliverPolicy.LAST
            else:
                config.deliver_policy = api.DeliverPolicy.ALL

            await js.subscribe(
                subject,
                stream=self.stream,
                ordered_consumer=True,
                config=config,
                cb=functools.partial(handler, subject=subject),
            )
            if not self.settings.follow:
                # With --no-follow, a consumer with nothing to deliver is done already.
                info = await js.stream_info(self.stream)
                start = config.opt_start_seq or 0
                if info.state.messages == 0 or (start and start > info.state.last_seq):
                    self._pending[subject] = 0

    def _caught_up(self, nc: Any) -> bool:
        pending = getattr(self, "_pending", {})
        return len(pending) == len(self.subjects) and not any(pending.values())

    def _live_detail(self) -> str:
        if self.stream:
            where = ", ".join(
                f"{s} after #{self.last_seq[s]}" if s in self.last_seq else s for s in self.subjects
            )
            text = f"stream {self.stream}: {where}"
        elif self._connections > 1:
            text = f"reconnected; {NO_REPLAY}"
        else:
            text = f"subscribed to {', '.join(self.subjects)} ({NO_REPLAY})"
        return redact(text, self._secrets)

    # -- failures
    def classify(self, exc: Exception) -> Ending:
        """A short reason to retry after ``exc``; raises when retrying cannot help."""
        nats_errors = require("nats.errors", "nats", "NATS")
        js_errors = require("nats.js.errors", "nats", "NATS")
        if isinstance(exc, ConnectionLost) and exc.cause is not None:
            exc = exc.cause
        label = self.spec.label
        text = redact(str(exc), self._secrets)
        if isinstance(exc, nats_errors.AuthorizationError) or "authorization" in text.lower():
            raise AccessDenied(
                f"NATS at {label} refused the credentials (authorization violation); put the "
                "right user and password (or token) in the URL: nats://user:pass@host:port/SUBJECT."
            )
        if isinstance(exc, js_errors.NotFoundError):
            raise SourceNotFound(
                f"NATS at {label} has no JetStream stream {self.stream!r}; check ?stream=."
            )
        if isinstance(exc, nats_errors.NoRespondersError | js_errors.ServiceUnavailableError):
            raise SourceError(
                f"NATS at {label} does not answer JetStream requests; start nats-server with -js "
                "or drop ?stream= to read core subjects."
            )
        if isinstance(exc, js_errors.APIError):
            raise SourceError(f"NATS at {label} refused the consumer ({text}); check the URL.")
        if isinstance(exc, ssl.SSLCertVerificationError) or "CERTIFICATE_VERIFY" in text:
            raise AccessDenied(
                f"The TLS certificate of {label} could not be verified; "
                "pass --cacert with the right CA or --insecure."
            )
        if isinstance(exc, nats_errors.BadSubjectError):
            raise UsageError(f"A subject in {label} is not valid; use tokens like logs.app.>")
        if isinstance(exc, ConnectionRefusedError) or "refused" in text.lower():
            reason = "connection refused"
        elif isinstance(exc, TimeoutError | nats_errors.TimeoutError):
            reason = f"no answer within {self.settings.timeout:g} s"
        else:
            reason = "connection lost"
        if not self.stream and self._connections:
            reason = f"{reason}; {NO_REPLAY}"
        return Ending(End.DROPPED, reason)

    async def aclose(self) -> None:
        nc, self._nc = self._nc, None
        if nc is not None:
            with contextlib.suppress(Exception):
                await nc.close()


def _js_position(reply: str) -> tuple[int, int, int]:
    """Stream sequence, time (ns) and pending count from a JetStream message's reply
    subject (``$JS.ACK.[domain.hash.]stream.consumer.delivered.sseq.cseq.ns.pending``);
    cheaper per message than the client's ``metadata`` object with its datetime."""
    tokens = reply.split(".")
    base = 2 if len(tokens) == 9 else 4
    return int(tokens[base + 3]), int(tokens[base + 5]), int(tokens[base + 6])


def _first_real(errors: list[BaseException]) -> BaseException | None:
    """The error that explains a failed connect (auth beats a later 'no servers')."""
    for exc in errors:
        if "authorization" in str(exc).lower():
            return exc
    return errors[0] if errors else None
