"""LogMapper: OTLP log records (JSON and protobuf) to records (pure)."""

from __future__ import annotations

import pytest
from opentelemetry.proto.collector.logs.v1.logs_service_pb2 import ExportLogsServiceRequest

from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Level
from logtail_tui.sources.otlp_records import LogMapper, Malformed


def mapper() -> LogMapper:
    return LogMapper(LineParser(), 1000)


def one(record: dict[str, object], service: str = "svc") -> dict[str, object]:
    attrs = [{"key": "service.name", "value": {"stringValue": service}}]
    return {
        "resourceLogs": [
            {"resource": {"attributes": attrs}, "scopeLogs": [{"logRecords": [record]}]}
        ]
    }


@pytest.mark.parametrize(
    ("number", "level"),
    [(1, Level.TRACE), (4, Level.TRACE), (5, Level.DEBUG), (9, Level.INFO), (12, Level.INFO),
     (13, Level.WARNING), (17, Level.ERROR), (20, Level.ERROR), (21, Level.CRITICAL), (24, Level.CRITICAL)],
)  # fmt: skip
def test_severity_numbers_map_to_levels(number: int, level: Level) -> None:
    out = mapper().from_json(one({"severityNumber": number, "body": {"stringValue": "x"}}))
    assert out.batch.levels == [level]


def test_snake_case_keys_and_enum_names_are_accepted() -> None:
    request = {"resource_logs": [{"scope_logs": [{"log_records": [
        {"time_unix_nano": 1_700_000_000_000_000_000, "severity_number": "SEVERITY_NUMBER_WARN2",
         "body": {"string_value": "snake"}}
    ]}]}]}  # fmt: skip
    out = mapper().from_json(request)
    assert out.batch.texts == ["snake"] and out.batch.levels == [Level.WARNING]
    assert out.batch.times == ["2023-11-14T22:13:20.000000Z"]


def test_severity_text_when_no_number() -> None:
    out = mapper().from_json(one({"severityText": "Error", "body": {"stringValue": "x"}}))
    assert out.batch.levels == [Level.ERROR]


def test_rejected_records_are_counted_with_a_reason() -> None:
    out = mapper().from_json(one({"attributes": [{"value": {"intValue": 1}}]}))
    assert out.rejected == 1 and "attribute has no key" in out.reason and len(out.batch) == 0


@pytest.mark.parametrize("request_", [[], {"resourceLogs": {}}, {"resourceLogs": [5]}])
def test_unreadable_requests_are_malformed(request_: object) -> None:
    with pytest.raises(Malformed):
        mapper().from_json(request_)


def test_protobuf_request_maps_like_json() -> None:
    request = ExportLogsServiceRequest()
    rl = request.resource_logs.add()
    attr = rl.resource.attributes.add()
    attr.key, attr.value.string_value = "service.name", "billing"
    lr = rl.scope_logs.add().log_records.add()
    lr.time_unix_nano = 1_700_000_000_000_000_000
    lr.severity_number = 17
    kv = lr.body.kvlist_value.values.add()
    kv.key, kv.value.string_value = "msg", "card declined"
    tag = lr.attributes.add()
    tag.key, tag.value.int_value = "attempt", 2
    lr.trace_id = bytes.fromhex("0102030405060708090a0b0c0d0e0f10")
    out = mapper().from_protobuf(ExportLogsServiceRequest.FromString(request.SerializeToString()))
    assert out.batch.texts == ["[billing] card declined attempt=2"]
    assert out.batch.levels == [Level.ERROR]
    assert '"trace_id":"0102030405060708090a0b0c0d0e0f10"' in (out.batch.raws or [""])[0]
