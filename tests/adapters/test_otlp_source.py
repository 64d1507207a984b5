"""OtlpSource: our OTLP/HTTP logs receiver, fed by the OpenTelemetry SDK's real exporter
and by JSON posts with httpx, on a free loopback port."""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import socket
import sys
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from live_hub import LiveHub
from opentelemetry.exporter.otlp.proto.http import Compression
from opentelemetry.exporter.otlp.proto.http._log_exporter import OTLPLogExporter
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import (
    ExportLogsServiceRequest,
    ExportLogsServiceResponse,
)
from opentelemetry.sdk._logs import LoggerProvider, LoggingHandler
from opentelemetry.sdk._logs.export import SimpleLogRecordProcessor
from opentelemetry.sdk.resources import Resource

from logtail_tui.core.record import Batch, Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources import otlp, registry
from logtail_tui.sources.contract import SourceEvent, State, StateChanged
from logtail_tui.sources.hub import Hub
from logtail_tui.sources.otlp import parse_target

pytestmark = pytest.mark.timeout(30)

LOGTAIL = [sys.executable, "-m", "logtail_tui", "--plain", "--color", "never"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Receiver(LiveHub):
    """An otlp: source on a free port, live once ``async with`` has entered."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.port = free_port()
        super().__init__(f"otlp://{host}:{self.port}")

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/logs"

    async def __aenter__(self) -> Receiver:
        await super().__aenter__()
        await self.until(lambda r: any(s.state is State.LIVE for s in r.states))
        return self


def sdk_logger(
    endpoint: str, service: str, compression: Compression = Compression.NoCompression
) -> tuple[logging.Logger, LoggerProvider]:
    provider = LoggerProvider(
        resource=Resource.create({"service.name": service, "host.name": "box-1"})
    )
    exporter = OTLPLogExporter(endpoint=endpoint, compression=compression, timeout=5)
    provider.add_log_record_processor(SimpleLogRecordProcessor(exporter))
    logger = logging.getLogger(f"otlp-test-{service}-{compression.value}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(LoggingHandler(level=logging.DEBUG, logger_provider=provider))
    return logger, provider


def export_with_sdk(
    endpoint: str, service: str, compression: Compression = Compression.NoCompression
) -> None:
    """Runs in a thread: the SDK's exporter is synchronous."""
    logger, provider = sdk_logger(endpoint, service, compression)
    logger.info("user %s logged in", "bob", extra={"user.id": 42})
    logger.warning("disk nearly full")
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        logger.exception("payment failed")
    logger.debug('{"msg": "json body", "order": 7}')
    provider.force_flush()
    provider.shutdown()


async def test_sdk_exporter_records_with_service_tag_levels_and_fields() -> None:
    async with Receiver() as rx:
        await asyncio.to_thread(export_with_sdk, rx.endpoint, "checkout")
        await rx.until(lambda r: len(r.records) >= 4)
    recs = rx.records
    assert recs[0].text.startswith("[checkout] user bob logged in")
    assert "user.id=42" in recs[0].text and "code." not in recs[0].text
    assert [r.level for r in recs] == [Level.INFO, Level.WARNING, Level.ERROR, Level.DEBUG]
    assert recs[2].text.startswith("[checkout] payment failed")
    assert recs[3].text.startswith("[checkout] json body") and "order=7" in recs[3].text
    fields = json.loads(recs[0].raw or "")
    assert fields["service.name"] == "checkout" and fields["host.name"] == "box-1"
    assert fields["user.id"] == 42 and fields["message"] == "user bob logged in"
    assert fields["severity"] == "INFO"
    assert "exception.stacktrace" in json.loads(recs[2].raw or "")
    assert all(r.time and r.time.endswith("Z") for r in recs)


async def test_sdk_exporter_with_gzip_and_two_services_are_told_apart() -> None:
    async with Receiver() as rx:
        await asyncio.gather(
            asyncio.to_thread(export_with_sdk, rx.endpoint, "api", Compression.Gzip),
            asyncio.to_thread(export_with_sdk, rx.endpoint, "web", Compression.Deflate),
        )
        await rx.until(lambda r: len(r.records) >= 8)
    tags = sorted({t.split("]")[0] + "]" for t in rx.texts})
    assert tags == ["[api]", "[web]"]


def otlp_json(*records: dict[str, Any], service: str | None = "svc") -> dict[str, Any]:
    resource = (
        {"attributes": [{"key": "service.name", "value": {"stringValue": service}}]}
        if service
        else {}
    )
    return {
        "resourceLogs": [
            {
                "resource": resource,
                "scopeLogs": [{"scope": {"name": "s"}, "logRecords": list(records)}],
            }
        ]
    }


async def test_json_posts_map_severity_body_and_time() -> None:
    body = otlp_json(
        {
            "timeUnixNano": "1700000000123456789",
            "severityNumber": 17,
            "severityText": "ERROR",
            "body": {"stringValue": "failed"},
        },
        {
            "observedTimeUnixNano": 1700000001000000000,
            "severityText": "warn",
            "body": {"stringValue": 'level=info msg="logfmt body" k=v'},
        },
        {
            "severityNumber": "SEVERITY_NUMBER_DEBUG",
            "body": {
                "kvlistValue": {
                    "values": [
                        {"key": "message", "value": {"stringValue": "map body"}},
                        {"key": "n", "value": {"intValue": "3"}},
                    ]
                }
            },
        },
        {
            "body": {"stringValue": "2026-01-01 CRITICAL text level"},
            "attributes": [{"key": "code.lineno", "value": {"intValue": 1}}],
        },
        {
            "body": {"arrayValue": {"values": [{"stringValue": "a"}, {"boolValue": True}]}},
            "traceId": "5b8efff798038103d269b633813fc60c",
        },
    )
    async with Receiver() as rx, httpx.AsyncClient() as client:
        resp = await client.post(rx.endpoint, json=body)
        await rx.until(lambda r: len(r.records) >= 5)
    assert resp.status_code == 200 and resp.json() == {}
    recs = rx.records
    assert recs[0].text == "[svc] failed" and recs[0].level == Level.ERROR
    assert recs[0].time == "2023-11-14T22:13:20.123456Z"
    assert recs[1].time == "2023-11-14T22:13:21.000000Z"
    assert (
        recs[1].text == "[svc] logfmt body k=v" and recs[1].level == Level.WARNING
    )  # severity wins
    assert recs[2].text == "[svc] map body n=3" and recs[2].level == Level.DEBUG
    assert (
        recs[3].text == "[svc] 2026-01-01 CRITICAL text level" and recs[3].level == Level.CRITICAL
    )
    assert recs[4].text == '[svc] ["a",true]' and recs[4].time is None
    assert json.loads(recs[4].raw or "")["trace_id"] == "5b8efff798038103d269b633813fc60c"


async def test_partial_success_counts_unreadable_records() -> None:
    body = otlp_json(
        {"body": {"stringValue": "good one"}},
        "not a record",
        {"timeUnixNano": "yesterday", "body": {"stringValue": "bad time"}},
        {"body": {"stringValue": "good two"}},
    )
    async with Receiver() as rx, httpx.AsyncClient() as client:
        resp = await client.post(rx.endpoint, json=body)
        await rx.until(lambda r: len(r.records) >= 2)
        proto = ExportLogsServiceRequest()
        proto.resource_logs.add().scope_logs.add().log_records.add().body.string_value = "proto"
        resp2 = await client.post(
            rx.endpoint, content=proto.SerializeToString(),
            headers={"Content-Type": "application/x-protobuf"},
        )  # fmt: skip
        await rx.until(lambda r: len(r.records) >= 3)
    assert resp.status_code == 200
    partial = resp.json()["partialSuccess"]
    assert partial["rejectedLogRecords"] == "2" and "could not be read" in partial["errorMessage"]
    assert rx.texts == ["[svc] good one", "[svc] good two", "proto"]
    assert resp2.status_code == 200 and resp2.content == b""
    assert (
        ExportLogsServiceResponse.FromString(resp2.content).partial_success.rejected_log_records
        == 0
    )


@pytest.mark.parametrize(
    ("content", "ctype", "encoding", "status", "words"),
    [
        (b"{not json", "application/json", None, 400, "not a valid OTLP JSON"),
        (b'["a list"]', "application/json", None, 400, "not a JSON object"),
        (b'{"resourceLogs": 5}', "application/json", None, 400, "resourceLogs is not a list"),
        (b"\xff\xff\xff\xff garbage", "application/x-protobuf", None, 400, "protobuf"),
        (b"hello", "text/plain", None, 415, "application/x-protobuf or application/json"),
        (b"not gzip", "application/json", "gzip", 400, "not valid gzip"),
        (b"{}", "application/json", "br", 400, "Content-Encoding br"),
        (gzip.compress(b" " * (40 * 2**20)), "application/json", "gzip", 400, "more than 32 MiB"),
    ],
)
async def test_malformed_requests_get_4xx_and_the_receiver_keeps_working(
    content: bytes, ctype: str, encoding: str | None, status: int, words: str
) -> None:
    headers = {"Content-Type": ctype} | ({"Content-Encoding": encoding} if encoding else {})
    async with Receiver() as rx, httpx.AsyncClient() as client:
        bad = await client.post(rx.endpoint, content=content, headers=headers)
        good = await client.post(
            rx.endpoint, json=otlp_json({"body": {"stringValue": "still here"}})
        )
        await rx.until(lambda r: len(r.records) >= 1)
    assert bad.status_code == status
    reason = (
        bad.json()["message"]
        if "json" in bad.headers["content-type"]
        else bad.content.decode("utf-8", "replace")
    )
    assert words in reason
    assert good.status_code == 200 and rx.texts == ["[svc] still here"]


async def test_wrong_path_method_and_broken_http_do_not_stop_the_receiver() -> None:
    async with Receiver() as rx, httpx.AsyncClient() as client:
        traces = await client.post(rx.endpoint.replace("logs", "traces"), json={})
        get = await client.get(rx.endpoint)
        reader, writer = await asyncio.open_connection("127.0.0.1", rx.port)
        writer.write(b"\x16\x03\x01 this is not HTTP\r\n\r\n")
        answer = await asyncio.wait_for(reader.read(), 5)
        writer.close()
        good = await client.post(rx.endpoint, json=otlp_json({"body": {"stringValue": "ok"}}))
        await rx.until(lambda r: len(r.records) >= 1)
    assert traces.status_code == 404 and "logs only" in traces.json()["message"]
    assert get.status_code == 405
    assert answer.startswith(b"HTTP/1.1 400")
    assert good.status_code == 200


async def test_hostile_bodies_and_labels_are_shown_safely() -> None:
    body = otlp_json(
        {"body": {"stringValue": "evil \x1b]0;pwned\x07\x1b[2J\x00 end"}},
        {"body": {"stringValue": "line one\nline two\x1b[31m"}},
        {"body": {"stringValue": "x" * 70_000}},
        service="svc\x1b[31m\n",
    )
    async with Receiver() as rx, httpx.AsyncClient() as client:
        resp = await client.post(rx.endpoint, json=body)
        await rx.until(lambda r: len(r.records) >= 5)
    assert resp.status_code == 200
    for record in rx.records:
        for text in (record.text, record.raw or ""):
            assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text), repr(text[:80])
    assert rx.texts[1:3] == ["[svc^J] line one", "[svc^J] line two"]
    assert rx.texts[3] == "[svc^J] " + "x" * 65_536


async def test_port_in_use_is_one_clear_failure() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        events: list[SourceEvent] = []
        spec = registry.resolve(f"otlp://127.0.0.1:{port}")
        hub = Hub([spec], Settings(), lambda _i, ev: events.append(ev))
        await asyncio.wait_for(hub.run(), 5)
    final = hub.states[0]
    assert final.state is State.FAILED
    assert final.detail == (
        f"Cannot listen on 127.0.0.1:{port} for OTLP (the address is already in use); "
        "stop the other receiver or pick another port."
    )


def test_targets_default_to_loopback_4318_and_v1_logs() -> None:
    assert parse_target("") == ("127.0.0.1", 4318, "/v1/logs")
    assert parse_target("//127.0.0.1:4318") == ("127.0.0.1", 4318, "/v1/logs")
    assert parse_target("//0.0.0.0:9999/custom/logs") == ("0.0.0.0", 9999, "/custom/logs")
    assert parse_target("//[::1]:4318/") == ("::1", 4318, "/v1/logs")


async def test_binding_beyond_loopback_warns_in_state_and_log() -> None:
    async with Receiver("0.0.0.0") as rx:
        live = next(s for s in rx.states if s.state is State.LIVE)
        await rx.until(lambda r: len(r.records) >= 1)
    assert "reachable from other machines" in live.detail
    assert rx.records[0].level == Level.WARNING and "reachable from other machines" in rx.texts[0]


@pytest.fixture
def no_protobuf(tmp_path: Any) -> Iterator[dict[str, str]]:
    """An environment in which ``opentelemetry.proto`` cannot be imported."""
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\n"
        "class _Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'opentelemetry.proto' or name.startswith('opentelemetry.proto.'):\n"
        "            raise ImportError('blocked for a test')\n"
        "sys.meta_path.insert(0, _Block())\n"
    )
    import os

    yield {**os.environ, "PYTHONPATH": str(tmp_path)}


async def test_missing_extra_is_one_line_naming_it_and_exit_1(no_protobuf: dict[str, str]) -> None:
    proc = await asyncio.create_subprocess_exec(
        *LOGTAIL, f"otlp://127.0.0.1:{free_port()}",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=no_protobuf,
    )  # fmt: skip
    out, err = await asyncio.wait_for(proc.communicate(), 20)
    assert proc.returncode == 1
    assert out == b""
    lines = err.decode().strip().splitlines()
    assert lines == [
        "logtail: otlp://127.0.0.1:"
        + lines[0].split("otlp://127.0.0.1:")[1].split(":")[0]
        + ': The otlp: receiver needs the OpenTelemetry protobuf definitions: pip install "logtail-tui[otlp]".'
    ]


async def test_cli_plain_mode_prints_exported_records() -> None:
    port = free_port()
    proc = await asyncio.create_subprocess_exec(
        *LOGTAIL, f"otlp://127.0.0.1:{port}", "--utc",
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    assert proc.stdout is not None
    try:
        async with httpx.AsyncClient() as client:
            for _ in range(200):  # until it listens
                try:
                    resp = await client.post(
                        f"http://127.0.0.1:{port}/v1/logs",
                        json=otlp_json({"timeUnixNano": "1700000000000000000", "severityNumber": 13, "body": {"stringValue": "from afar"}}),
                    )  # fmt: skip
                    break
                except httpx.ConnectError:
                    await asyncio.sleep(0.05)
        line = await asyncio.wait_for(proc.stdout.readline(), 10)
    finally:
        proc.terminate()
        await proc.communicate()
    assert resp.status_code == 200
    assert line.decode() == "2023-11-14T22:13:20.000000Z WARN  [svc] from afar\n"


async def test_expect_100_continue_and_chunked_bodies() -> None:
    body = json.dumps(otlp_json({"body": {"stringValue": "y" * 2000}})).encode()
    async with Receiver() as rx:
        reader, writer = await asyncio.open_connection("127.0.0.1", rx.port)
        writer.write(
            b"POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b"Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n\r\n"
        )
        interim = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        half = len(body) // 2
        for part in (body[:half], body[half:]):
            writer.write(b"%x\r\n%s\r\n" % (len(part), part))
        writer.write(b"0\r\n\r\n")
        final = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
        writer.close()
        await rx.until(lambda r: len(r.records) >= 1)
    assert interim.startswith(b"HTTP/1.1 100")
    assert final.startswith(b"HTTP/1.1 200")
    assert rx.texts == ["[svc] " + "y" * 2000]


async def test_a_consumer_far_behind_gets_503_and_nothing_is_lost(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(otlp, "MAX_PENDING", 5)
    monkeypatch.setattr(otlp, "ROOM_WAIT", 0.2)
    port = free_port()
    source = otlp.OtlpSource(registry.resolve(f"otlp://127.0.0.1:{port}"), Settings())
    stream = source.events()
    url = f"http://127.0.0.1:{port}/v1/logs"
    try:
        live = await anext(stream)
        assert isinstance(live, StateChanged) and live.state is State.LIVE
        # From here nobody takes records until we say so: the consumer is behind.
        async with httpx.AsyncClient() as client:
            first = await client.post(
                url, json=otlp_json(*({"body": {"stringValue": f"r{i}"}} for i in range(5)))
            )
            refused = await client.post(url, json=otlp_json({"body": {"stringValue": "r5"}}))
            taken = await anext(stream)
            retried = await client.post(url, json=otlp_json({"body": {"stringValue": "r5"}}))
            rest = await anext(stream)
    finally:
        await stream.aclose()
        await source.aclose()
    assert first.status_code == 200
    assert refused.status_code == 503 and refused.headers["retry-after"] == "1"
    assert retried.status_code == 200
    assert isinstance(taken, Batch) and isinstance(rest, Batch)
    assert taken.texts + rest.texts == [f"[svc] r{i}" for i in range(6)]
