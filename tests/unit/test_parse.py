"""LineParser: text, JSON and logfmt lines, field mapping, times, hostile content."""

from __future__ import annotations

import json
import random

import pytest

from logtail_tui.core.errors import UsageError
from logtail_tui.core.fields import FieldMap, format_time, parse_logfmt
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level, Record

L = Level


def one(line: str, fmt: str = "auto", **field_map: str) -> Record:
    batch = LineParser(fmt, field_map).parse([line])
    assert len(batch) == 1
    return batch.record(0)


def test_plain_lines_stay_the_same_objects() -> None:
    lines = ["2026 INFO one", "2026 ERROR two", "no level"]
    batch = LineParser().parse(lines)
    assert batch.texts == lines
    assert all(a is b for a, b in zip(batch.texts, lines, strict=True))
    assert batch.levels == [L.INFO, L.ERROR, L.NONE]
    assert batch.times is None and batch.raws is None


def test_empty_batch() -> None:
    assert len(LineParser().parse([])) == 0


def test_hostile_text_line_is_sanitised_before_levelling() -> None:
    record = one("\x1b]0;pwned\x07\x1b[31mERROR\x1b[0m \x1b[2Jred\x07")
    assert record.text == "ERROR red^G"
    assert record.level == L.ERROR


def test_json_line_maps_message_level_time_and_fields() -> None:
    line = json.dumps(
        {"ts": 1_700_000_000.5, "level": "warn", "msg": "disk full", "path": "/var",
         "free": 3, "ok": False, "ctx": {"a": [1, 2]}, "note": "two words", "empty": {}, "nil": None}
    )  # fmt: skip
    record = one(line)
    assert record.text == 'disk full path=/var free=3 ok=false ctx={"a":[1,2]} note="two words"'
    assert record.level == L.WARNING
    assert record.time == "2023-11-14T22:13:20.500Z"
    assert record.raw == line


def test_codespace_sse_log_event() -> None:  # typed SSE events
    obj = {
        "id": "7d9f", "step_name": "build", "log_type": "error", "message": "compile failed",
        "created_at": "2026-11-21T10:00:00Z", "progress_percentage": 40, "metadata": {},
    }  # fmt: skip
    record = LineParser().parse_object(obj, json.dumps(obj))
    assert record.level == L.ERROR
    assert record.time == "2026-11-21T10:00:00Z"
    assert record.text.startswith("compile failed ")
    assert "step_name=build" in record.text
    assert "metadata" not in record.text
    for log_type, level in [("thinking", L.DEBUG), ("coding", L.INFO), ("success", L.NOTICE)]:
        assert LineParser().parse_object({**obj, "log_type": log_type}).level == level


def test_websocket_task_log_data() -> None:  # WebSocket task logs
    data = {"level": "INFO", "message": "step 1", "timestamp": "2026-11-21T10:00:00Z",
            "subtask_id": "s1", "metadata": {"k": "v"}}  # fmt: skip
    record = LineParser().parse_object(data)
    assert (record.text, record.level, record.time) == (
        'step 1 subtask_id=s1 metadata={"k":"v"}',
        L.INFO,
        "2026-11-21T10:00:00Z",
    )
    assert json.loads(record.raw or "") == data


@pytest.mark.parametrize(("letter", "level"), [("I", L.INFO), ("W", L.WARNING), ("E", L.ERROR),
                                               ("D", L.DEBUG), ("V", L.TRACE)])  # fmt: skip
def test_ndjson_logcat_letters(letter: str, level: Level) -> None:  # NDJSON
    line = json.dumps({"timestamp": "t", "level": letter, "tag": "net", "pid": 7, "message": "m"})
    record = one(line)
    assert (record.text, record.level) == ("m tag=net pid=7", level)


def test_journald_json() -> None:  # container and command output
    line = json.dumps({"__CURSOR": "s=1", "__REALTIME_TIMESTAMP": "1700000000123456",
                       "_PID": "1", "PRIORITY": "3", "SYSLOG_IDENTIFIER": "sshd",
                       "MESSAGE": "auth failed"})  # fmt: skip
    record = one(line)
    assert record.level == L.ERROR
    assert record.time == "2023-11-14T22:13:20.123456Z"
    assert record.text == "auth failed SYSLOG_IDENTIFIER=sshd"


def test_pino_and_bunyan() -> None:
    pino = one('{"level":50,"time":1700000000123,"pid":1,"msg":"db down"}')
    assert (pino.level, pino.time, pino.text) == (
        L.ERROR,
        "2023-11-14T22:13:20.123Z",
        "db down pid=1",
    )
    bunyan = one('{"name":"app","level":30,"msg":"hi","time":"2026-11-21T10:00:00.000Z","v":0}')
    assert (bunyan.level, bunyan.time) == (L.INFO, "2026-11-21T10:00:00.000Z")


def test_other_message_keys() -> None:
    assert one('{"event": "structlog says", "level": "info"}').text == "structlog says"
    assert one('{"log": "docker line\\n", "stream": "stdout"}').text == "docker line stream=stdout"
    ecs = one('{"@timestamp": "2026-11-21T10:00:00Z", "log.level": "error", "message": "ecs"}')
    assert (ecs.text, ecs.level, ecs.time) == ("ecs", L.ERROR, "2026-11-21T10:00:00Z")
    assert one('{"logs": "a", "status": "running"}').text == "a status=running"


def test_unknown_level_stays_visible() -> None:
    record = one('{"level": "audit", "message": "m"}')
    assert (record.text, record.level) == ("m level=audit", L.NONE)


def test_object_without_message_shows_its_fields() -> None:
    assert one('{"a": 1, "b": "x"}').text == "a=1 b=x"
    assert one("{}").text == "{}"


def test_long_values_are_shortened_but_raw_keeps_them() -> None:
    line = json.dumps({"msg": "m", "blob": "x" * 1000})
    record = one(line)
    assert len(record.text) < 250 and record.text.endswith("…")
    assert record.raw == line


def test_many_fields_stop_with_an_ellipsis() -> None:
    record = one(json.dumps({"msg": "m", **{f"key{i}": "v" * 40 for i in range(50)}}))
    assert record.text.endswith(" …") and len(record.text) < 500


@pytest.mark.parametrize(
    "line",
    ['{"a": 1', "{not json}", "{", '{"a": "unterminated}', "[" * 100_000 + "]" * 100_000],
)
def test_broken_json_is_text(line: str) -> None:
    record = one(line)
    assert record.text == line and record.raw is None


@pytest.mark.parametrize("line", ['["a", "list"]', '"a string"', "42"])
def test_json_that_is_not_an_object_is_text(line: str) -> None:
    assert one(line).text == line


def test_hostile_json_values_are_sanitised() -> None:
    line = json.dumps({"msg": "\x1b]0;pwned\x07hi\nthere", "lvl": "error", "k\x07": "\u202e"})
    record = one(line)
    assert record.text == "hi^Jthere k^G=<U+202E>"
    assert record.level == L.ERROR
    assert "\x1b" not in (record.raw or "") and "\x07" not in record.text


def test_logfmt_line() -> None:
    line = 'time=2026-11-21T10:00:00Z level=warn msg="disk \\"sda\\" full" dev=sda pct=91'
    record = one(line)
    assert (record.text, record.level, record.time) == (
        'disk "sda" full dev=sda pct=91',
        L.WARNING,
        "2026-11-21T10:00:00Z",
    )
    assert record.raw == line


def test_text_with_equals_signs_is_not_logfmt() -> None:
    assert one("user=bob logged in").text == "user=bob logged in"
    record = one("level=error something happened")
    assert (record.text, record.level) == ("level=error something happened", L.ERROR)
    assert one("user=bob id=3").raw is None  # pairs, but neither message nor level


def test_parse_logfmt() -> None:
    assert parse_logfmt('a=1 b="x y" c= d="q\\"q"') == {"a": "1", "b": "x y", "c": "", "d": 'q"q'}
    assert parse_logfmt("a=1 bare") is None
    assert parse_logfmt("") is None


def test_format_text_leaves_json_alone() -> None:
    line = '{"level": "error", "msg": "x"}'
    record = one(line, "text")
    assert (record.text, record.raw) == (line, None)


def test_format_json_leaves_logfmt_alone() -> None:
    line = "level=error msg=x"
    assert one(line, "json").raw is None
    assert one('{"msg": "j"}', "json").text == "j"


def test_format_logfmt_needs_no_message_key() -> None:
    record = one("user=bob id=3", "logfmt")
    assert (record.text, record.raw) == ("user=bob id=3", "user=bob id=3")
    assert one('{"msg": "j"}', "logfmt").raw is None


def test_field_map_overrides_keys() -> None:
    line = json.dumps({"message": "default", "body": "chosen", "sev": "error", "at": 1_700_000_000})
    record = one(line, message="body", level="sev", time="at")
    assert record.text == "chosen message=default"
    assert (record.level, record.time) == (L.ERROR, "2023-11-14T22:13:20.000Z")


def test_field_map_dotted_path_and_fallback() -> None:
    nested = one('{"data": {"text": "deep"}, "level": "info"}', message="data.text")
    assert nested.text.startswith("deep")
    fallback = one('{"msg": "usual"}', message="absent")
    assert fallback.text == "usual"


@pytest.mark.parametrize(("meaning", "key"), [("colour", "c"), ("message", " ")])
def test_bad_field_map_is_a_usage_error(meaning: str, key: str) -> None:
    with pytest.raises(UsageError, match="--field"):
        FieldMap.build({meaning: key})


def test_bad_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="--format"):
        LineParser("yaml")


def test_mixed_batch_columns() -> None:
    batch = LineParser().parse(["2026 INFO text", '{"msg": "json", "ts": "t1"}', "k=v msg=lf"])
    assert batch.texts == ["2026 INFO text", "json", "lf k=v"]
    assert batch.times == [None, "t1", None]
    assert batch.raws == [None, '{"msg": "json", "ts": "t1"}', "k=v msg=lf"]


def test_stack_trace_after_json_error_and_across_batches() -> None:
    parser = LineParser()
    first = parser.parse(['{"level": "error", "msg": "crash"}'])
    second = parser.parse(["    at Foo.bar(Foo.java:1)", "next"])
    assert first.levels == [L.ERROR]
    assert second.levels == [L.ERROR, L.NONE]


def test_parse_object_defaults_raw_and_sets_continuation_state() -> None:
    parser = LineParser()
    record = parser.parse_object({"msg": "x", "level": "warn"})
    assert record.raw == '{"msg":"x","level":"warn"}'
    assert parser.parse(["  continued"]).levels == [L.WARNING]


def test_parse_object_result_fits_a_batch() -> None:
    batch = Batch()
    batch.add(LineParser().parse_object({"msg": "a", "time": 1_700_000_000}))
    assert batch.times == ["2023-11-14T22:13:20.000Z"]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (1_700_000_000, "2023-11-14T22:13:20.000Z"),
        (1_700_000_000_123, "2023-11-14T22:13:20.123Z"),
        (1_700_000_000_123_456, "2023-11-14T22:13:20.123456Z"),
        (1_700_000_000_123_456_789, "2023-11-14T22:13:20.123456Z"),
        ("1700000000123456", "2023-11-14T22:13:20.123456Z"),
        ("2026-11-21T10:00:00+01:00", "2026-11-21T10:00:00+01:00"),
        ("12", "12"),
        (-5, "-5"),
        (float("nan"), "NaN"),
        (True, "true"),
    ],
)
def test_format_time(value: object, text: str) -> None:
    assert format_time(value) == text


def test_parse_object_compacts_a_multi_line_raw() -> None:
    pretty = '{\n  "msg": "x"\n}'
    record = LineParser().parse_object(json.loads(pretty), pretty)
    assert record.raw == '{"msg":"x"}'
    one_line = '{"msg": "x"}'
    assert LineParser().parse_object(json.loads(one_line), one_line).raw == one_line


def test_container_time_prefix_before_json_and_logfmt() -> None:  # container and command output
    batch = LineParser().parse(
        [
            '2026-11-21T10:00:00.123456789Z {"level": "warn", "msg": "x"}',
            "2026-11-21T10:00:01+01:00 level=error msg=y",
            '2026-11-21T10:00:02Z {"msg": "own", "time": "T"}',
            "2026-11-21T10:00:03Z plain ERROR text",
        ]
    )
    assert batch.texts[:3] == ["x", "y", "own"]
    assert batch.levels == [L.WARNING, L.ERROR, L.NONE, L.ERROR]
    assert batch.times == ["2026-11-21T10:00:00.123456789Z", "2026-11-21T10:00:01+01:00", "T", None]
    assert batch.raws is not None
    assert batch.raws[0] == '{"level": "warn", "msg": "x"}'  # the payload, for the detail view
    assert batch.raws[3] is None


PIECES = [
    "{", "}", "[", "]", '"', "\\", ":", ",", "=", " ", "\t", "\x1b", "\x1b[", "\x1b]", "\x07",
    "\x9b", "\x00", "\r", "\u202e", "\ud800", "ERROR", "warn", "level", "msg", "1700000000",
    "é", "😀", "↪ ", "at ", "<3>", "W/", "null", "true", "-1e999", '{"level": 50, "msg": "x"}',
    "2026-11-21T10:00:00Z ", "\n",
]  # fmt: skip


def inert(text: str) -> bool:
    """Nothing a terminal would act on: no C0/C1/DEL, bidi controls or surrogates."""
    bad = {*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)}
    return not any(ord(c) in bad or 0xD800 <= ord(c) <= 0xDFFF for c in text)


def test_random_hostile_lines_never_raise_and_always_come_out_inert() -> None:
    rng = random.Random(2026)
    lines = ["".join(rng.choices(PIECES, k=rng.randint(0, 30))) for _ in range(3000)]
    for fmt in ("auto", "text", "json", "logfmt"):
        parser = LineParser(fmt)
        batch = parser.parse(lines)
        assert len(batch) == len(lines)
        assert all(inert(text) for text in batch.texts)
        assert all(0 <= level <= L.CRITICAL for level in batch.levels)
        for column in (batch.times, batch.raws):
            assert column is None or all(v is None or inert(v) for v in column)
