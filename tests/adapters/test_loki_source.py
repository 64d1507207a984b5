"""LokiSource against a Loki tail server written from the API docs (tests/loki_server.py)."""

from __future__ import annotations

import asyncio
import datetime
import json
import socket
import ssl
import sys
import time
from collections.abc import Callable

import pytest
from live_hub import LiveHub
from loki_server import FakeLoki

from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import SourceSpec, State
from logtail_tui.sources.loki import LokiSource

pytestmark = pytest.mark.timeout(30)

LOGTAIL = [sys.executable, "-m", "logtail_tui", "--plain", "--color", "never"]


def quick(spec: SourceSpec, settings: Settings) -> LokiSource:
    backoff = Backoff(base=0.05, floor=0.05, cap=0.2, retries=settings.retries)
    return LokiSource(spec, settings, backoff)


class Tail(LiveHub):
    """A Loki source with a reconnect policy 20 times quicker than production."""

    def __init__(self, url: str, settings: Settings | None = None) -> None:
        super().__init__(url, settings, quick)

    @property
    def source(self) -> LokiSource:
        assert isinstance(self.sources[0], LokiSource)
        return self.sources[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def count_at_least(n: int) -> Callable[[Tail], bool]:
    return lambda t: len(t.records) >= n


async def test_history_then_live_entries_with_time_fields_and_parsing() -> None:
    async with FakeLoki() as loki:
        api = {"app": "api", "env": "prod"}
        stamp = (time.time_ns() // 10**9 - 60) * 10**9 + 123_456_789  # within Loki's hour
        loki.push(api, '{"level":"warn","msg":"disk nearly full","disk":"/dev/sda"}', ns=stamp)
        loki.push(api, 'level=error msg="db down" retry=3')
        loki.push(api, "2026-01-01 12:00:00 ERROR plain text failure")
        async with Tail(loki.url('{app="api"}')) as tail:
            await tail.until(count_at_least(3))
            loki.push(api, "INFO live line")
            await tail.until(count_at_least(4))
    recs = tail.records
    assert recs[0].text.startswith("disk nearly full") and "disk=/dev/sda" in recs[0].text
    assert recs[0].level == Level.WARNING
    # The entry's own nanosecond stamp is the record time.
    when = datetime.datetime.fromtimestamp(stamp // 10**9, datetime.UTC)
    assert recs[0].time == when.strftime("%Y-%m-%dT%H:%M:%S") + ".123456Z"
    assert json.loads(recs[0].raw or "")["app"] == "api"  # stream labels are fields
    assert recs[1].text == "db down retry=3" and recs[1].level == Level.ERROR
    assert recs[2].text == "2026-01-01 12:00:00 ERROR plain text failure"
    assert recs[2].level == Level.ERROR
    assert json.loads(recs[2].raw or "") == {
        "app": "api", "env": "prod", "message": "2026-01-01 12:00:00 ERROR plain text failure"
    }  # fmt: skip
    assert recs[3].text == "INFO live line" and recs[3].level == Level.INFO
    assert all(r.time for r in recs)
    params = loki.connections[0]
    assert params["query"] == '{app="api"}' and "start" not in params


async def test_limit_and_delay_for_are_passed_through_and_honoured() -> None:
    async with FakeLoki() as loki:
        for i in range(10):
            loki.push({"app": "api"}, f"old {i}")
        url = loki.url('{app="api"}', limit=3, delay_for=1)
        async with Tail(url) as tail:
            await tail.until(count_at_least(3))
            loki.push({"app": "api"}, "delayed")
            await tail.until(count_at_least(4))
    assert tail.texts == ["old 7", "old 8", "old 9", "delayed"]
    assert loki.connections[0]["limit"] == "3" and loki.connections[0]["delay_for"] == "1"


async def feed(loki: FakeLoki, count: int, labels: dict[str, str], pause: float = 0.002) -> None:
    """``count`` entries, some pairs sharing one nanosecond stamp (Loki allows that)."""
    i = 0
    while i < count:
        ns = loki.now()
        loki.push(labels, f"line {i}", ns=ns)
        if i % 7 == 0 and i + 1 < count:
            i += 1
            loki.push(labels, f"line {i}", ns=ns)  # same instant, other line
        i += 1
        await asyncio.sleep(pause)


async def test_every_entry_once_across_max_duration_closes() -> None:
    n = 400
    async with FakeLoki(max_duration=0.25) as loki, Tail(loki.url('{app="api"}')) as tail:
        await tail.until(lambda t: any(s.state is State.LIVE for s in t.states))
        await feed(loki, n, {"app": "api"})
        await tail.until(count_at_least(n))
        await asyncio.sleep(0.3)  # a late duplicate would show up here
    assert tail.texts == [f"line {i}" for i in range(n)]
    assert len(loki.connections) >= 3  # it really was closed and resumed
    resumed = [c for c in loki.connections[1:] if "start" in c]
    assert resumed, loki.connections
    # Loki resent the boundary entry each time; we skipped it rather than show it twice.
    assert tail.source.tail.duplicates >= 1
    retrying = [s for s in tail.states if s.state is State.RETRYING]
    assert retrying and "Loki ended the tail" in retrying[0].detail


async def test_every_entry_once_across_a_server_restart() -> None:
    loki = FakeLoki()
    await loki.start()
    try:
        async with Tail(loki.url('{app="api"}')) as tail:
            await feed(loki, 50, {"app": "api"})
            await tail.until(count_at_least(50))
            await loki.stop(code=1006)  # killed: no closing handshake
            for i in range(50, 80):  # stored while no tail was connected
                loki.push({"app": "api"}, f"line {i}")
            await asyncio.sleep(0.1)
            await loki.start()  # same port, same storage
            await tail.until(count_at_least(80))
            for i in range(80, 90):
                loki.push({"app": "api"}, f"line {i}")
            await tail.until(count_at_least(90))
    finally:
        await loki.stop()
    assert tail.texts == [f"line {i}" for i in range(90)]
    assert any(s.state is State.RETRYING for s in tail.states)


async def test_more_than_limit_entries_missed_while_away_is_said() -> None:
    loki = FakeLoki()
    await loki.start()
    try:
        async with Tail(loki.url('{app="api"}', limit=5)) as tail:
            loki.push({"app": "api"}, "first")
            await tail.until(count_at_least(1))
            await loki.stop()
            for i in range(20):
                loki.push({"app": "api"}, f"away {i}")
            await loki.start()
            await tail.until(lambda t: any("limit=5" in x for x in t.texts))
    finally:
        await loki.stop()
    warning = next(r for r in tail.records if "limit=5" in r.text)
    assert warning.level == Level.WARNING and "may be missing" in warning.text
    assert tail.texts[1:6] == [f"away {i}" for i in range(15, 20)]


async def test_several_streams_are_tagged_with_their_labels() -> None:
    async with FakeLoki() as loki, Tail(loki.url('{env="prod"}')) as tail:
        loki.push({"env": "prod", "app": "api"}, "from api")
        await tail.until(count_at_least(1))
        loki.push({"env": "prod", "app": "web"}, "from web")
        loki.push({"env": "prod", "app": "api"}, "api again")
        await tail.until(count_at_least(3))
    # One stream so far: no tag; from the second stream on, every record says which.
    assert tail.texts == [
        "from api",
        "[app=web,env=prod] from web",
        "[app=api,env=prod] api again",
    ]


async def test_dropped_entries_are_counted_and_shown() -> None:
    async with FakeLoki() as loki, Tail(loki.url('{app="api"}')) as tail:
        loki.push({"app": "api"}, "before")
        await tail.until(count_at_least(1))
        loki.drop(3, {"app": "api"})
        await tail.until(count_at_least(2))
        loki.drop(2, {"app": "api"})
        await tail.until(lambda t: any("so far" in s.detail and "5" in s.detail for s in t.states))
    notices = [r for r in tail.records if "dropped" in r.text]
    assert "Loki dropped 3 entries (total 3)" in notices[0].text
    assert "Loki dropped 2 entries (total 5)" in notices[1].text
    assert all(r.level == Level.WARNING for r in notices)
    live = [s for s in tail.states if s.state is State.LIVE]
    assert live[-1].detail == "Loki dropped 5 entries so far"


async def test_hostile_lines_are_shown_safely() -> None:
    hostile = [
        "evil \x1b]0;pwned\x07 \x1b[2J clear\x00nul",
        '{"msg": "json \\u001b[31mred\\u0000", "level": "error"}',
        '{"msg": broken json',
        "multi\nline\r\nentry",
        "x" * 70_000,
    ]
    async with FakeLoki() as loki:
        labels = {"app": "evil\x1b[31m"}
        for line in hostile:
            loki.push(labels, line)
        async with Tail(loki.url('{app="evil\\u001b[31m"}')) as tail:
            await tail.until(count_at_least(8))
    for text in tail.texts:
        assert not any(ord(c) < 32 or 0x7F <= ord(c) <= 0x9F for c in text), repr(text[:80])
    assert tail.texts[0].startswith("evil ") and "clear^@nul" in tail.texts[0]
    assert tail.records[1].level == Level.ERROR and "red" in tail.texts[1]
    assert tail.texts[2] == '{"msg": broken json'
    assert tail.texts[3:6] == ["multi", "line", "entry"]
    assert tail.texts[6] == "x" * 65_536 and tail.texts[7] == "↪ " + "x" * (70_000 - 65_536)
    for record in tail.records:
        assert "\x1b" not in (record.raw or "")


async def test_bad_query_fails_with_the_server_reason() -> None:
    async with FakeLoki() as loki:
        tail = Tail(loki.url("app=api"))
        async with tail:
            await tail.ended()
    assert tail.final is not None and tail.final.state is State.FAILED
    assert "parse error" in tail.final.detail and "LogQL" in tail.final.detail


async def test_missing_query_is_one_clear_sentence() -> None:
    tail = Tail("loki://127.0.0.1:1/")
    async with tail:
        await tail.ended()
    assert tail.final is not None and tail.final.state is State.FAILED
    assert "no LogQL query" in tail.final.detail


async def run_cli(
    *args: str, until_lines: int | None = None, timeout: float = 15
) -> tuple[int | None, str, str]:
    """Run the real CLI; stop it once ``until_lines`` lines are out (then rc is None)."""
    proc = await asyncio.create_subprocess_exec(
        *LOGTAIL, *args, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE
    )
    assert proc.stdout is not None and proc.stderr is not None
    out: list[str] = []
    try:
        async with asyncio.timeout(timeout):
            if until_lines is None:
                stdout, stderr = await proc.communicate()
                return proc.returncode, stdout.decode(), stderr.decode()
            while len(out) < until_lines:
                line = await proc.stdout.readline()
                if not line:
                    break
                out.append(line.decode())
    finally:
        if proc.returncode is None:
            proc.terminate()
        _, stderr = await proc.communicate()
    return None, "".join(out), stderr.decode()


async def test_cli_wrong_token_is_one_line_and_exit_1() -> None:
    async with FakeLoki(token="right-token-123") as loki:
        rc, out, err = await run_cli(
            loki.url('{app="api"}'), "--token", "wrong-token-456", "--retries", "1"
        )
    assert rc == 1, err
    assert out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "401" in lines[0] and "--token" in lines[0], err
    assert "wrong-token-456" not in err


async def test_cli_basic_auth_from_the_url_and_stream_tags_in_plain_mode() -> None:
    async with FakeLoki(basic=("alice", "s3cret-pass")) as loki:
        stamp = (time.time_ns() // 10**9 - 60) * 10**9
        loki.push({"env": "prod", "app": "api"}, "one", ns=stamp)
        loki.push({"env": "prod", "app": "web"}, '{"level":"error","msg":"two"}', ns=stamp + 1000)
        when = datetime.datetime.fromtimestamp(stamp // 10**9, datetime.UTC)
        prefix = when.strftime("%Y-%m-%dT%H:%M:%S")
        url = loki.url('{env="prod"}').replace("loki://", "loki://alice:s3cret-pass@")
        _rc, out, err = await run_cli(url, "--utc", until_lines=2)
        rc2, out2, err2 = await run_cli(url.replace("s3cret-pass", "wrong-pass"))
    assert out.splitlines() == [
        f"{prefix}.000000Z -     [app=api,env=prod] one",
        f"{prefix}.000001Z ERROR [app=web,env=prod] two",
    ]
    assert "s3cret-pass" not in err
    assert rc2 == 1 and out2 == "" and "401" in err2 and "wrong-pass" not in err2
    assert len(err2.strip().splitlines()) == 1


async def test_lokis_over_tls_with_headers_passed_through(tls_files: tuple[str, str]) -> None:
    cert, key = tls_files
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    settings = Settings(cacert=cert, headers=(("X-Scope-OrgID", "tenant-1"),), token="tok-123456")
    async with FakeLoki(ssl=context, token="tok-123456") as loki:
        loki.push({"app": "api"}, "over tls")
        async with Tail(loki.url('{app="api"}', scheme="lokis"), settings) as tail:
            await tail.until(count_at_least(1))
    assert tail.texts == ["over tls"]
    assert loki.headers[0]["X-Scope-OrgID"] == "tenant-1"
    assert loki.headers[0]["Authorization"] == "Bearer tok-123456"
    assert all("tok-123456" not in s.detail for s in tail.states)


async def test_refused_connection_retries_and_retries_limit_it() -> None:
    port = free_port()
    tail = Tail(f'loki://127.0.0.1:{port}/?query={{app="api"}}', Settings(retries=2))
    async with tail:
        await tail.ended()
    retrying = [s for s in tail.states if s.state is State.RETRYING]
    assert [s.attempt for s in retrying] == [1, 2]
    assert all("connection refused" in s.detail for s in retrying)
    assert tail.final is not None and "Gave up after 2 retries" in tail.final.detail


async def test_no_follow_ends_when_loki_closes_the_tail() -> None:
    async with FakeLoki(max_duration=0.3) as loki:
        for i in range(3):
            loki.push({"app": "api"}, f"line {i}")
        tail = Tail(loki.url('{app="api"}'), Settings(follow=False))
        async with tail:
            await tail.ended()
    assert tail.texts == ["line 0", "line 1", "line 2"]
    assert tail.final is not None and tail.final.state is State.COMPLETED
    assert len(loki.connections) == 1
