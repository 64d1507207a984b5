"""NATS source against a real nats-server with JetStream (killed and restarted mid-stream)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Any

import nats
import pytest
from engines import EngineServer, Following, assert_one_line_failure, nats_server, run_cli, state_is

from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import State


def url(server: EngineServer, path: str) -> str:
    return f"nats://127.0.0.1:{server.port}/{path}"


async def connect(server: EngineServer) -> Any:
    return await nats.connect(f"nats://127.0.0.1:{server.port}", allow_reconnect=False)


async def publish(server: EngineServer, subject: str, *payloads: str | bytes) -> None:
    nc = await connect(server)
    js = nc.jetstream()
    for p in payloads:
        await js.publish(subject, p.encode() if isinstance(p, str) else p)
    await nc.close()


async def make_stream(server: EngineServer, name: str = "LOGS", subjects: str = "logs.>") -> None:
    nc = await connect(server)
    await nc.jetstream().add_stream(name=name, subjects=[subjects])
    await nc.close()


async def test_wildcard_subjects_show_which_subject(nats_engine: EngineServer) -> None:
    nc = await connect(nats_engine)
    async with Following(url(nats_engine, "logs.*.api,audit.>")) as f:
        await f.until(state_is(State.LIVE))
        assert "cannot replay" in f.got.states[-1].detail
        await nc.publish("logs.eu.api", b'{"level":"error","msg":"api down"}')
        await nc.publish("logs.eu.web", b"not subscribed")
        await nc.publish("audit.login.ok", b'level=info msg="bob logged in"')
        await nc.publish("logs.us.api", b"plain text")
        await nc.flush()
        await f.until(lambda got: len(got.texts) >= 3)
    await nc.close()
    assert sorted(f.got.texts) == [
        "[audit.login.ok] bob logged in",
        "[logs.eu.api] api down",
        "[logs.us.api] plain text",
    ]
    levels = {r.text: r.level for r in f.got.records}
    assert levels["[logs.eu.api] api down"] == Level.ERROR
    assert levels["[audit.login.ok] bob logged in"] == Level.INFO


async def test_core_nats_reconnects_and_says_it_cannot_replay(nats_engine: EngineServer) -> None:
    async with Following(url(nats_engine, "app")) as f:
        await f.until(state_is(State.LIVE))
        nc = await connect(nats_engine)
        await nc.publish("app", b"before")
        await nc.flush()
        await f.until(lambda got: got.texts == ["before"])
        await nc.close()
        nats_engine.restart()
        await f.until(lambda got: len(got.of(State.LIVE)) == 2)
        assert "cannot replay" in f.got.of(State.RETRYING)[0].detail
        assert "cannot replay" in f.got.of(State.LIVE)[-1].detail
        nc = await connect(nats_engine)
        await nc.publish("app", b"after")
        await nc.flush()
        await f.until(lambda got: len(got.texts) >= 2)
        await nc.close()
    assert f.got.texts == ["before", "after"]


@pytest.mark.parametrize(
    ("deliver", "expected"),
    [("all", ["m0", "m1", "m2", "new"]), ("last", ["m2", "new"]), ("new", ["new"])],
)
async def test_jetstream_deliver_modes(
    nats_engine: EngineServer, deliver: str, expected: list[str]
) -> None:
    await make_stream(nats_engine)
    await publish(nats_engine, "logs.app", "m0", "m1", "m2")
    async with Following(url(nats_engine, f"logs.app?stream=LOGS&deliver={deliver}")) as f:
        await f.until(state_is(State.LIVE))
        await publish(nats_engine, "logs.app", "new")
        await f.until(lambda got: got.texts[-1:] == ["new"])
    assert f.got.texts == expected
    assert all(r.time for r in f.got.records)  # JetStream's time when the payload has none


async def test_jetstream_since_time(nats_engine: EngineServer) -> None:
    await make_stream(nats_engine)
    await publish(nats_engine, "logs.app", "old")
    await asyncio.sleep(0.05)  # the server's clock must move on between the two batches
    since = datetime.now(UTC).isoformat()
    await publish(nats_engine, "logs.app", "recent 1", "recent 2")
    async with Following(
        url(nats_engine, f"logs.app?stream=LOGS&deliver=since:{since}"), Settings(follow=False)
    ) as f:
        await f.until(lambda got: f.ended)
    assert f.got.texts == ["recent 1", "recent 2"], f.got.states
    assert f.got.final is not None and f.got.final.state is State.COMPLETED


async def test_jetstream_every_message_once_across_a_server_restart(
    nats_engine: EngineServer,
) -> None:
    await make_stream(nats_engine)
    async with Following(url(nats_engine, "?stream=LOGS&deliver=all")) as f:
        await f.until(state_is(State.LIVE))
        await publish(nats_engine, "logs.a", *(f"n={i}" for i in range(300)))
        await f.until(lambda got: len(got.texts) >= 100)  # mid-stream
        nats_engine.stop()
        await f.until(lambda got: got.of(State.RETRYING))
        nats_engine.start()  # the stream is on disk: it comes back with every message
        await publish(nats_engine, "logs.b", *(f"n={i}" for i in range(300, 600)))
        await f.until(lambda got: len(got.texts) >= 600)
        await publish(nats_engine, "logs.a", "last")
        await f.until(lambda got: got.texts[-1:] == ["last"])
    assert f.got.texts == [f"n={i}" for i in range(600)] + ["last"]
    assert "after #" in f.got.of(State.LIVE)[-1].detail  # resumed by stream sequence


async def test_jetstream_several_subjects(nats_engine: EngineServer) -> None:
    await make_stream(nats_engine)
    await publish(nats_engine, "logs.api", "a1")
    await publish(nats_engine, "logs.db", "d1")
    await publish(nats_engine, "logs.web", "w1")
    async with Following(
        url(nats_engine, "logs.api,logs.db?stream=LOGS&deliver=all"), Settings(follow=False)
    ) as f:
        await f.until(lambda got: f.ended)
    assert sorted(f.got.texts) == ["[logs.api] a1", "[logs.db] d1"]


async def test_hostile_payloads_are_shown_safely(nats_engine: EngineServer) -> None:
    await make_stream(nats_engine)
    await publish(
        nats_engine,
        "logs.h",
        b"\x1b[2J\x1b]52;c;AAAA\x07 \x00 nul \xff bad",
        b'{"msg": "\\u001b[31mred\\u0000", "level": "warn"}',
        b'{"broken": ',
        "y" * 150_000,
    )
    async with Following(
        url(nats_engine, "logs.h?stream=LOGS&deliver=all"), Settings(follow=False)
    ) as f:
        await f.until(lambda got: f.ended)
    texts = f.got.texts
    assert len(texts) > 4 and all(not any(ord(c) < 32 for c in t) for t in texts)
    assert "\ufffd" in texts[0] and "^@ nul" in texts[0]
    assert texts[1].startswith("red") and f.got.records[1].level == Level.WARNING
    assert texts[2] == '{"broken": '
    assert sum(len(t) for t in texts[3:]) >= 150_000


def test_label_hides_credentials() -> None:
    for text in ("nats://alice:s3cret-pw@mq:4222/logs.>", "nats://tok-abcdef@mq:4222/x"):
        label = registry.resolve(text, Settings()).label
        assert "s3cret-pw" not in label and "tok-abcdef" not in label and "mq:4222" in label


@pytest.fixture
def locked_nats(tmp_path):  # type: ignore[no-untyped-def]
    server = nats_server(tmp_path, "--user", "app", "--pass", "right-pass").start()
    yield server
    server.stop()


@pytest.mark.parametrize("auth", ["", "app:wrong-pass@"])
def test_auth_failure_is_one_line_and_exit_1(locked_nats: EngineServer, auth: str) -> None:
    done = run_cli("--plain", f"nats://{auth}127.0.0.1:{locked_nats.port}/logs")
    assert_one_line_failure(done, "refused the credentials", hidden="wrong-pass")


def test_missing_stream_and_missing_library(nats_engine: EngineServer) -> None:
    done = run_cli("--plain", url(nats_engine, "x?stream=NOPE"))
    assert done.returncode == 1 and "no JetStream stream 'NOPE'" in done.stderr
    done = run_cli("--plain", url(nats_engine, "x"), block="nats")
    assert_one_line_failure(done, 'pip install "logtail-tui[nats]"')
