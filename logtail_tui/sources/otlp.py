"""OpenTelemetry logs receiver (``otlp://127.0.0.1:4318``): logtail listens, senders post.

OTLP/HTTP as the spec has it: ``POST /v1/logs`` (or the path in the URL) with an
``ExportLogsServiceRequest`` as ``application/x-protobuf`` or ``application/json``,
optionally gzip- or deflate-encoded. Answers:

- 200 with an empty ``ExportLogsServiceResponse``, or with ``partial_success`` counting
  the log records that could not be read (JSON only: protobuf decodes whole or not at all);
- 400 for a body that cannot be read, 404 for another path, 405 for another method,
  413 for a body over `MAX_BODY`, 415 for another content type; each with a
  ``google.rpc.Status`` that says why, and the receiver keeps running;
- 503 with ``Retry-After`` when logtail cannot take more yet (the consumer is behind):
  senders retry, so nothing is dropped.

Records are mapped as `otlp_records` describes. HTTP/1.1 framing is h11's (it comes
with httpx); protobuf decoding needs the ``otlp`` extra (``opentelemetry-proto``).

The receiver binds to 127.0.0.1 unless told otherwise; any other address is stated as a
warning, in the state and in the log, because anyone who can reach it can write lines.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import logging
import zlib
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlsplit

import h11

from logtail_tui.core.errors import SourceError, UsageError
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.otlp_records import LogMapper, Malformed, Outcome

DEFAULT_PORT = 4318
DEFAULT_PATH = "/v1/logs"
MAX_BODY = 32 * 2**20
"""Largest request body, before and after decompression."""
MAX_PENDING = 100_000
"""Records waiting for the consumer before senders are told to retry (503)."""
ROOM_WAIT = 5.0
"""Seconds a request waits for the consumer to catch up before the 503."""
IDLE_TIMEOUT = 120.0
"""Seconds a kept-alive connection may sit idle."""
_PROTOBUF = {"application/x-protobuf", "application/protobuf"}
_JSON = "application/json"
_INVALID_ARGUMENT, _UNAVAILABLE, _NOT_FOUND = 3, 14, 5
log = logging.getLogger(__name__)
log.addHandler(logging.NullHandler())
EXTRA_HINT = 'pip install "logtail-tui[otlp]"'


def load_protobuf() -> tuple[Any, Any]:
    """``(ExportLogsServiceRequest, ExportLogsServiceResponse)``; raises naming the extra."""
    try:
        from opentelemetry.proto.collector.logs.v1 import logs_service_pb2 as service
    except ImportError:
        raise SourceError(
            f"The otlp: receiver needs the OpenTelemetry protobuf definitions: {EXTRA_HINT}."
        ) from None
    return service.ExportLogsServiceRequest, service.ExportLogsServiceResponse


class OtlpSource(Source):
    """Listens for OTLP/HTTP log exports and shows their records.

    Args:
        spec: ``spec.target`` is ``//host:port[/path]``; both parts may be left out.
        settings: Parsing options.
    """

    description = "OpenTelemetry logs receiver: logtail listens for OTLP/HTTP (POST /v1/logs)"

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        super().__init__(spec, settings)
        self.host, self.port, self.path = parse_target(spec.target)
        self.mapper = LogMapper(
            LineParser(settings.format, settings.field_map), settings.max_line_length
        )
        self._pending = Batch()
        self._wake = asyncio.Event()
        self._room = asyncio.Event()
        self._server: asyncio.Server | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._messages: tuple[Any, Any] | None = None

    # -- the source side
    async def events(self) -> AsyncIterator[SourceEvent]:
        self._messages = load_protobuf()
        try:
            self._server = await asyncio.start_server(self._connection, self.host, self.port)
        except OSError as exc:
            raise SourceError(self._bind_failure(exc)) from None
        self.port = self._server.sockets[0].getsockname()[1]
        where = f"http://{_netloc(self.host, self.port)}{self.path}"
        if _loopback(self.host):
            yield StateChanged(State.LIVE, f"listening on {where}")
        else:
            warning = (
                f"listening on {where}, reachable from other machines: anyone who can "
                "connect can write lines here; use otlp://127.0.0.1:PORT to stay local."
            )
            yield StateChanged(State.LIVE, warning)
            notice = Batch()
            notice.append(f"logtail: {self.spec.label}: warning: {warning}", Level.WARNING)
            yield notice
        while True:
            await self._wake.wait()
            self._wake.clear()
            batch, self._pending = self._pending, Batch()
            self._room.set()
            if batch:
                yield batch

    def _bind_failure(self, exc: OSError) -> str:
        where = _netloc(self.host, self.port)
        if "in use" in str(exc).lower():
            why, fix = (
                "the address is already in use",
                "stop the other receiver or pick another port",
            )
        elif "assign" in str(exc).lower() or "not known" in str(exc).lower():
            why, fix = "no such local address", "use 127.0.0.1 or an address of this machine"
        else:
            why, fix = exc.strerror or str(exc), "check the address and port"
        return f"Cannot listen on {where} for OTLP ({why}); {fix}."

    async def aclose(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()
        tasks, self._connections = self._connections, set()
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task
        if server is not None:
            with contextlib.suppress(Exception):
                await server.wait_closed()

    # -- the HTTP side
    async def _connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            await self._serve(reader, writer)
        except (OSError, TimeoutError, h11.ProtocolError):
            pass  # the peer went away or spoke nonsense: only this connection ends
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = h11.Connection(h11.SERVER)
        while True:
            try:
                request, body, too_big = await self._read_request(conn, reader, writer)
            except h11.RemoteProtocolError as exc:
                if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                    status, headers, payload = _status(
                        exc.error_status_hint,
                        _INVALID_ARGUMENT,
                        "not a valid HTTP/1.1 request",
                        False,
                    )
                    writer.write(conn.send(h11.Response(status_code=status, headers=headers)))
                    writer.write(conn.send(h11.Data(data=payload)))
                    writer.write(conn.send(h11.EndOfMessage()))
                    await writer.drain()
                return
            if request is None:
                return
            try:
                status, headers, payload = await self._answer(request, body, too_big)
            except Exception:  # a bug of ours must not stop the receiver
                log.debug("otlp request failed", exc_info=True)
                status, headers, payload = _status(500, 13, "logtail failed to read it", False)
            writer.write(conn.send(h11.Response(status_code=status, headers=headers)))
            writer.write(conn.send(h11.Data(data=payload)))
            writer.write(conn.send(h11.EndOfMessage()))
            await writer.drain()
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()

    async def _read_request(
        self, conn: h11.Connection, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> tuple[h11.Request | None, bytes, bool]:
        """The next request and its body (``too_big`` when it exceeded `MAX_BODY`)."""
        request: h11.Request | None = None
        chunks: list[bytes] = []
        size = 0
        while True:
            event = conn.next_event()
            if event is h11.NEED_DATA:
                if conn.they_are_waiting_for_100_continue:
                    # curl asks before sending a body over 1 KiB, and waits a second if not told.
                    writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])))
                data = await asyncio.wait_for(reader.read(65536), IDLE_TIMEOUT)
                conn.receive_data(data)
            elif isinstance(event, h11.Request):
                request = event
            elif isinstance(event, h11.Data):
                size += len(event.data)
                if size <= MAX_BODY:
                    chunks.append(event.data)
            elif isinstance(event, h11.EndOfMessage):
                return request, b"".join(chunks), size > MAX_BODY
            else:  # ConnectionClosed or PAUSED: nothing more to read here
                return None, b"", False

    async def _answer(
        self, request: h11.Request, body: bytes, too_big: bool
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in request.headers}
        ctype = headers.get("content-type", "").split(";")[0].strip().lower()
        proto = ctype in _PROTOBUF
        path = urlsplit(request.target.decode("latin-1")).path
        if path != self.path:
            return _status(
                404, _NOT_FOUND, f"this receiver takes logs only, at POST {self.path}", proto
            )
        if request.method != b"POST":
            return _status(
                405, _INVALID_ARGUMENT, f"use POST {self.path}", proto, [("Allow", "POST")]
            )
        if not proto and ctype != _JSON:
            return _status(
                415, _INVALID_ARGUMENT, "send application/x-protobuf or application/json", False
            )
        if too_big:
            return _status(
                413, _INVALID_ARGUMENT, f"the body is over {MAX_BODY // 2**20} MiB", proto
            )
        try:
            body = _decompress(body, headers.get("content-encoding", "identity"))
            outcome = self._decode(body, proto)
        except Malformed as exc:
            return _status(400, _INVALID_ARGUMENT, str(exc), proto)
        if outcome.batch and not await self._hand_over(outcome.batch):
            return _status(
                503, _UNAVAILABLE, "logtail is behind; retry", proto, [("Retry-After", "1")]
            )
        return 200, [("Content-Type", _ctype(proto))], self._response(outcome, proto)

    def _decode(self, body: bytes, proto: bool) -> Outcome:
        try:
            if proto:
                assert self._messages is not None
                message = self._messages[0]()
                message.ParseFromString(body)
                return self.mapper.from_protobuf(message)
            return self.mapper.from_json(json.loads(body))
        except Malformed:
            raise
        except (ValueError, TypeError, AttributeError, RecursionError) as exc:
            kind = "protobuf ExportLogsServiceRequest" if proto else "OTLP JSON"
            raise Malformed(f"the body is not a valid {kind} ({type(exc).__name__})") from None
        except Exception as exc:  # protobuf's DecodeError is not a ValueError
            raise Malformed(
                f"the body is not a valid protobuf ExportLogsServiceRequest ({exc})"
            ) from None

    def _response(self, outcome: Outcome, proto: bool) -> bytes:
        if not outcome.rejected:
            return b"" if proto else b"{}"
        reason = outcome.reason[:300]
        if proto:
            assert self._messages is not None
            response = self._messages[1]()
            response.partial_success.rejected_log_records = outcome.rejected
            response.partial_success.error_message = reason
            return response.SerializeToString()
        partial = {"rejectedLogRecords": str(outcome.rejected), "errorMessage": reason}
        return json.dumps({"partialSuccess": partial}).encode()

    async def _hand_over(self, batch: Batch) -> bool:
        """Queue ``batch`` for the consumer; ``False`` when it stayed too far behind."""
        if len(self._pending) >= MAX_PENDING:
            self._room.clear()
            try:
                await asyncio.wait_for(self._room.wait(), ROOM_WAIT)
            except TimeoutError:
                return False
        self._pending.extend(batch)
        self._wake.set()
        return True


def parse_target(target: str) -> tuple[str, int, str]:
    """``//host:port/path`` -> ``(host, port, path)`` with the defaults filled in.

    Raises:
        UsageError: for a port that is not a number.
    """
    parts = urlsplit(f"otlp:{target}" if target.startswith("//") else f"otlp://{target}")
    try:
        port = parts.port
    except ValueError:
        raise UsageError(f"otlp:{target} has no valid port; use otlp://127.0.0.1:4318.") from None
    host = parts.hostname or "127.0.0.1"
    path = parts.path if parts.path not in ("", "/") else DEFAULT_PATH
    return host, DEFAULT_PORT if port is None else port, path


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _netloc(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _ctype(proto: bool) -> str:
    return "application/x-protobuf" if proto else _JSON


def _status(
    http: int, code: int, message: str, proto: bool, extra: list[tuple[str, str]] | None = None
) -> tuple[int, list[tuple[str, str]], bytes]:
    """An error answer with a ``google.rpc.Status`` body in the request's encoding."""
    if proto:
        text = message.encode()
        body = b"\x08" + _varint(code) + b"\x12" + _varint(len(text)) + text
    else:
        body = json.dumps({"code": code, "message": message}).encode()
    return http, [("Content-Type", _ctype(proto)), *(extra or [])], body


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _decompress(body: bytes, encoding: str) -> bytes:
    """Undo ``Content-Encoding`` without letting a small bomb grow past `MAX_BODY`."""
    encoding = encoding.strip().lower()
    if encoding in ("", "identity"):
        return body
    if encoding not in ("gzip", "deflate"):
        raise Malformed(f"Content-Encoding {encoding} is not supported; use gzip or none")
    wbits = 16 + zlib.MAX_WBITS if encoding == "gzip" else zlib.MAX_WBITS
    inflater = zlib.decompressobj(wbits)
    try:
        data = inflater.decompress(body, MAX_BODY)
    except zlib.error:
        raise Malformed(f"the body is not valid {encoding} data") from None
    if inflater.unconsumed_tail:
        raise Malformed(f"the body inflates to more than {MAX_BODY // 2**20} MiB")
    return data
