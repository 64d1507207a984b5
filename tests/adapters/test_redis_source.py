"""Redis Streams source against a real redis-server (killed and restarted mid-stream)."""

from __future__ import annotations

import asyncio

import pytest
import redis.asyncio as aioredis
from engines import (
    EngineServer,
    Following,
    assert_one_line_failure,
    redis_server,
    run_cli,
    state_is,
)

from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import State


def url(server: EngineServer, path: str) -> str:
    return f"redis://127.0.0.1:{server.port}/{path}"


async def client(server: EngineServer) -> aioredis.Redis:
    return aioredis.Redis(port=server.port)


async def test_json_logfmt_text_and_field_entries_parse_like_any_source(
    redis_engine: EngineServer,
) -> None:
    r = await client(redis_engine)
    first = await r.xadd(
        "app", {"message": '{"level":"error","msg":"db down","ts":"2026-01-02T03:04:05Z"}'}
    )
    await r.xadd("app", {"line": 'level=warn msg="disk at 91%" host=a'})
    await r.xadd("app", {"log": "plain text line"})
    await r.xadd("app", {"level": "debug", "msg": "from fields", "user": "bob"})
    await r.aclose()
    async with Following(url(redis_engine, "app?from=0"), Settings(follow=False)) as f:
        await f.until(lambda got: f.ended)
    assert f.got.final is not None and f.got.final.state is State.COMPLETED
    records = f.got.records
    assert [r.text for r in records] == [
        "db down",
        "disk at 91% host=a",
        "plain text line",
        "from fields user=bob",
    ]
    assert [r.level for r in records] == [Level.ERROR, Level.WARNING, Level.NONE, Level.DEBUG]
    # The payload's own time wins; otherwise the entry id's milliseconds are the time.
    assert records[0].time == "2026-01-02T03:04:05Z"
    ms = int(first.split(b"-")[0])
    assert records[2].time is not None and records[2].time.startswith(
        f"{__import__('time').strftime('%Y-%m-%dT%H:%M:%S', __import__('time').gmtime(ms // 1000))}."
    )
    assert records[3].raw is not None and '"user":"bob"' in records[3].raw


async def test_new_entries_only_by_default_and_from_id(redis_engine: EngineServer) -> None:
    r = await client(redis_engine)
    await r.xadd("s", {"message": "old 1"})
    middle = await r.xadd("s", {"message": "old 2"})
    await r.xadd("s", {"message": "old 3"})
    async with Following(url(redis_engine, "s")) as f:
        await f.until(state_is(State.LIVE))
        await r.xadd("s", {"message": "new 1"})
        await f.until(lambda got: got.texts)
    assert f.got.texts == ["new 1"]
    async with Following(url(redis_engine, f"s?from={middle.decode()}")) as f:
        await f.until(lambda got: len(got.texts) >= 2)
    assert f.got.texts == ["old 3", "new 1"]
    await r.aclose()


async def test_several_streams_show_which_stream(redis_engine: EngineServer) -> None:
    r = await client(redis_engine)
    async with Following(url(redis_engine, "api,worker")) as f:
        await f.until(state_is(State.LIVE))
        await r.xadd("api", {"message": "GET /"})
        await r.xadd("worker", {"message": '{"level":"error","msg":"job failed"}'})
        await f.until(lambda got: len(got.texts) >= 2)
    await r.aclose()
    assert sorted(f.got.texts) == ["[api] GET /", "[worker] job failed"]


async def test_every_entry_once_across_a_server_restart(redis_engine: EngineServer) -> None:
    """Entries before, during and after a kill -9 and restart: all shown, none twice."""
    r = await client(redis_engine)
    async with Following(url(redis_engine, "app")) as f:
        await f.until(state_is(State.LIVE))
        for i in range(300):
            await r.xadd("app", {"message": f"n={i}"})
        await f.until(lambda got: len(got.texts) >= 150)  # mid-stream
        await r.aclose()
        redis_engine.stop()
        await f.until(lambda got: got.of(State.RETRYING))
        redis_engine.start()  # the append-only file brings the entries back
        r = await client(redis_engine)
        for i in range(300, 600):  # some while logtail is still reconnecting
            await r.xadd("app", {"message": f"n={i}"})
        await f.until(lambda got: len(got.texts) >= 600)
        await r.xadd("app", {"message": "last"})
        await f.until(lambda got: got.texts[-1:] == ["last"])
    await r.aclose()
    assert f.got.texts == [f"n={i}" for i in range(600)] + ["last"]
    assert f.got.of(State.RETRYING)[0].detail in {"connection lost", "connection refused"}


async def test_hostile_payloads_are_shown_safely(redis_engine: EngineServer) -> None:
    r = await client(redis_engine)
    await r.xadd("h", {"message": b"\x1b[2J\x1b]0;pwned\x07 bell \x00 nul \xff\xfe bad utf8"})
    await r.xadd("h", {"message": b'{"msg": "\\u001b[31mred", "level": "error"'})  # broken JSON
    await r.xadd("h", {"message": "x" * 200_000})
    await r.xadd("h", {"level": "info", "msg": "a\nb\x1b[1m"})
    await r.aclose()
    async with Following(url(redis_engine, "h?from=0"), Settings(follow=False)) as f:
        await f.until(lambda got: f.ended)
    texts = f.got.texts
    assert texts and all(not any(ord(c) < 32 for c in t) for t in texts)
    assert "\ufffd" in texts[0] and "^@ nul" in texts[0] and "\x1b" not in texts[0]
    assert texts[1].startswith("{") and "red" in texts[1]  # broken JSON stays text
    assert sum(len(t) for t in texts[2:-1]) >= 200_000 and len(texts) > 4  # split, not dropped
    assert "a" in texts[-1] and "\x1b" not in texts[-1]


def test_label_hides_the_password() -> None:
    spec = registry.resolve("redis://admin:hunter22@db.example:6379/app", Settings())
    assert "hunter22" not in spec.label and "db.example:6379/app" in spec.label


@pytest.fixture
def locked_redis(tmp_path):  # type: ignore[no-untyped-def]
    server = redis_server(tmp_path, "--requirepass", "right-pass").start()
    yield server
    server.stop()


@pytest.mark.parametrize("auth", ["", ":wrong-pass@", "bob:wrong-pass@"])
def test_auth_failure_is_one_line_and_exit_1(locked_redis: EngineServer, auth: str) -> None:
    done = run_cli("--plain", f"redis://{auth}127.0.0.1:{locked_redis.port}/app")
    assert_one_line_failure(done, "refused the credentials", hidden="wrong-pass")


def test_right_password_reads(locked_redis: EngineServer) -> None:
    async def add() -> None:
        r = aioredis.Redis(port=locked_redis.port, password="right-pass")
        await r.xadd("app", {"message": "hello"})
        await r.aclose()

    asyncio.run(add())
    done = run_cli(
        "--plain", "--no-follow", f"redis://:right-pass@127.0.0.1:{locked_redis.port}/app?from=0"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("hello")


def test_refused_connection_retries_then_gives_up(tmp_path) -> None:  # type: ignore[no-untyped-def]
    server = redis_server(tmp_path)  # never started: its port refuses
    done = run_cli("--plain", "--retries", "1", f"redis://127.0.0.1:{server.port}/app")
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert "reconnecting" in lines[0] and "connection refused" in lines[0]
    assert lines[-1].startswith("logtail:") and "Gave up after 1 retries" in lines[-1]


def test_missing_client_library_names_the_extra(redis_engine: EngineServer) -> None:
    done = run_cli("--plain", url(redis_engine, "app"), block="redis")
    assert_one_line_failure(done, 'pip install "logtail-tui[redis]"')
