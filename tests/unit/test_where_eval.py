"""Where expressions evaluated on JSON, logfmt, access-log and syslog records."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from logtail_tui.core.record import Level
from logtail_tui.core.record_fields import fields_of, text_fields
from logtail_tui.core.where import ParseError
from logtail_tui.core.where_eval import Where, time_literal

API = '{"level":"error","msg":"boom","status":503,"path":"/api/orders","svc":"api","http":{"code":"502"},"ok":false}'
LOGFMT = 'ts=2026-12-01T10:00:04Z level=warn msg="slow job" duration_ms=1500 svc=worker'
ACCESS = '10.0.0.7 - bob [01/Dec/2026:10:00:00 +0000] "POST /api/pay HTTP/1.1" 502 17 "https://shop/" "curl/8.4"'
SYSLOG = "Dec  1 10:00:00 web1 sshd[4242]: Failed password for root"
SYSLOG5 = "<34>1 2026-12-01T10:00:00.003Z web2 su - ID47 - 'su root' failed"


def ok(expr: str, line: str, level: int = 0, time: str | None = None) -> bool:
    return Where.build(expr).matches(line, level, time)


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("status>=500", True),
        ("status>503", False),
        ("status=503", True),
        ("status!=503", False),
        ("status<600 and status<=503", True),
        ('status="503"', True),  # text comparison with the number's text
        ("svc=api", True),
        ("svc=ap", False),  # exact, not a substring
        ("svc!=web", True),
        ("path~^/api", True),
        ("path!~^/api", False),
        ("path~orders$ and not path~^/x", True),
        ("http.code>=500", True),  # nested, and "502" as text compares as a number
        ("ok=false", True),
        ("missing=1", False),
        ("missing!=1", False),  # a missing field is false whatever the operator
        ("missing!~x", False),
        ("not missing=1", True),
        ("missing>1 or svc=api", True),
        ("(svc=web or svc=api) and status>=500", True),
        ("svc", True),
        ("missing", False),
        ("svc>ap and svc<b", True),  # text order
    ],
)
def test_json_record(expr: str, expected: bool) -> None:
    assert ok(expr, API, Level.ERROR) is expected


def test_logfmt_record() -> None:
    assert ok("duration_ms>1000 and svc=worker", LOGFMT)
    assert not ok("duration_ms>1500", LOGFMT)
    assert ok('msg="slow job"', LOGFMT)
    assert ok("msg~slow", LOGFMT)


def test_access_log_fields() -> None:
    assert text_fields(ACCESS) == {
        "remote": "10.0.0.7", "user": "bob", "method": "POST", "path": "/api/pay",
        "protocol": "HTTP/1.1", "status": "502", "bytes": "17", "referer": "https://shop/",
        "agent": "curl/8.4",
    }  # fmt: skip
    assert ok("status>=500 and method=POST and path~^/api", ACCESS)
    assert not ok("status<500", ACCESS)
    common = '1.2.3.4 - - [01/Dec/2026:10:00:00 +0000] "GET / HTTP/1.0" 200 -'
    assert text_fields(common) == {
        "remote": "1.2.3.4", "method": "GET", "path": "/", "protocol": "HTTP/1.0", "status": "200"
    }  # fmt: skip
    assert not ok("bytes>0", common)  # "-" is no value


def test_syslog_fields() -> None:
    assert text_fields(SYSLOG) == {
        "host": "web1", "program": "sshd", "pid": "4242", "message": "Failed password for root"
    }  # fmt: skip
    assert ok("program=sshd and pid>4000 and host~^web", SYSLOG)
    assert text_fields(SYSLOG5) == {"host": "web2", "program": "su", "message": "'su root' failed"}
    assert ok("program=su and not pid", SYSLOG5)


def test_plain_text_has_no_fields() -> None:
    assert fields_of("2026-12-01 10:00:00 ERROR status=500 went wrong") is None
    assert not ok("status>=500", "2026-12-01 10:00:00 ERROR status 500 went wrong")


def test_level_uses_level_order() -> None:
    assert ok("level>=warn", API, Level.ERROR)
    assert not ok("level>=warn", API, Level.INFO)
    assert ok("level<warn", "no level at all", Level.NONE)  # no level counts as info
    assert ok("level=error", API, Level.ERROR)
    assert ok("level~^err", API, Level.ERROR)
    with pytest.raises(ParseError) as caught:
        Where.build("level>=loud")
    assert caught.value.position == 7


def test_time_of_record_and_literals() -> None:
    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC).timestamp()
    at_ten = datetime(2026, 12, 1, 10, 0, tzinfo=UTC).timestamp()
    assert time_literal("10:00", utc=True, now=now) == at_ten
    assert time_literal("2026-12-01T10:00Z") == at_ten
    assert time_literal("2026-12-01 10:00", utc=True) == at_ten
    assert time_literal("tea time") is None
    after = Where.build('time>"09:59:59" and time<"10:00:05"', utc=True, now=now)
    assert after.matches(LOGFMT)  # logfmt's own ts=10:00:04Z
    assert after.matches("2026-12-01T10:00:01Z INFO text line with its time first")
    assert after.matches("{}", 0, "2026-12-01T10:00:02.5Z")  # a stream record's time column
    assert after.matches('{"time": 1796119200}')  # epoch seconds: 2026-12-01T10:00:00Z
    assert not after.matches('{"time": 1796122800}')  # an hour later
    assert Where.build("time>=2026-12-01T10:00Z").matches('{"time": 1796119200}')
    assert not after.matches("no time here")
    with pytest.raises(ParseError):
        Where.build("time~10")
    with pytest.raises(ParseError):
        Where.build("time>noon")


def test_hostile_lines_are_just_unmatched() -> None:
    for line in ['{"status": 5', '{"a":' * 5000, "\x00\x1b[31m", "=" * 10, '{"status": NaN}']:
        assert not ok("status>=500", line)
