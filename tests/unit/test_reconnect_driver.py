"""The reconnect driver with a scripted Link: states, retries, --no-follow, immediate
reconnects. No I/O: each "connection" is a list of what happens on it."""

from __future__ import annotations

from collections.abc import AsyncGenerator

import pytest

from logtail_tui.core.errors import AccessDenied, SourceError
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources import reconnect
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import SourceEvent, State, StateChanged
from logtail_tui.sources.reconnect import End, Ending


class Script:
    """Connection ``i`` does ``steps[i]``: an `Ending` to end with, or an exception."""

    def __init__(self, *steps: Ending | Exception) -> None:
        self.steps = list(steps)
        self.connections = 0

    async def connect(self, ending: Ending) -> AsyncGenerator[SourceEvent]:
        step = self.steps[self.connections]
        self.connections += 1
        if isinstance(step, Exception):
            raise step
        yield StateChanged(State.LIVE)
        batch = Batch()
        batch.append(f"line {self.connections}")
        yield batch
        ending.end, ending.reason, ending.final = step.end, step.reason, step.final
        ending.wait_at_least, ending.base = step.wait_at_least, step.base

    def classify(self, exc: Exception) -> Ending:
        if isinstance(exc, ConnectionRefusedError):
            return Ending(End.DROPPED, "connection refused")
        raise AccessDenied("The server said no; check the token.")


async def drive(link: Script, settings: Settings | None = None) -> list[SourceEvent]:
    backoff = Backoff(base=0.0, floor=0.0, cap=0.0, retries=(settings or Settings()).retries)
    return [ev async for ev in reconnect.run(link, "src", settings or Settings(), backoff)]


def states(events: list[SourceEvent]) -> list[tuple[State, str]]:
    return [(ev.state, ev.detail) for ev in events if isinstance(ev, StateChanged)]


async def test_drop_then_done() -> None:
    link = Script(Ending(End.DROPPED, "cut"), ConnectionRefusedError(), Ending(End.DONE, "over"))
    got = states(await drive(link))
    assert got == [
        (State.CONNECTING, ""), (State.LIVE, ""), (State.RETRYING, "cut"),
        (State.CONNECTING, ""), (State.RETRYING, "connection refused"),
        (State.CONNECTING, ""), (State.LIVE, ""), (State.COMPLETED, "over"),
    ]  # fmt: skip


async def test_a_final_state_from_the_link_is_reported_as_given() -> None:
    final = StateChanged(State.FAILED, "the task failed")
    got = await drive(Script(Ending(End.DONE, final=final)))
    assert got[-1] is final


async def test_retries_run_out_with_the_last_reason() -> None:
    link = Script(*[ConnectionRefusedError()] * 3)
    with pytest.raises(SourceError, match=r"Gave up after 2 retries \(last error: connection refused\)"):
        await drive(link, Settings(retries=2))
    assert link.connections == 3


async def test_permanent_failures_are_raised_at_once() -> None:
    link = Script(PermissionError(), Ending(End.DONE))
    with pytest.raises(AccessDenied):
        await drive(link)
    assert link.connections == 1


async def test_no_follow_completes_on_a_clean_end_and_fails_on_a_drop() -> None:
    settings = Settings(follow=False)
    got = states(await drive(Script(Ending(End.CLEAN, "ended")), settings))
    assert got[-1] == (State.COMPLETED, "ended")
    with pytest.raises(SourceError, match=r"Reading src failed \(cut\).*--no-follow"):
        await drive(Script(Ending(End.DROPPED, "cut")), settings)


async def test_reconnect_now_resets_the_attempt_count() -> None:
    link = Script(
        ConnectionRefusedError(), Ending(End.NOW, "timeout"), ConnectionRefusedError(),
        Ending(End.DONE),
    )  # fmt: skip
    retrying = [ev for ev in await drive(link) if isinstance(ev, StateChanged) and ev.state is State.RETRYING]
    assert [ev.attempt for ev in retrying] == [1, 0, 1]


async def test_server_wait_and_base_raise_the_delay() -> None:
    link = Script(Ending(End.DROPPED, "busy", wait_at_least=0.05), Ending(End.DONE))
    retrying = [ev for ev in await drive(link) if isinstance(ev, StateChanged) and ev.retry_in]
    assert retrying and retrying[0].retry_in == pytest.approx(0.05)
