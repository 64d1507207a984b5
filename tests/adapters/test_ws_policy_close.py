"""A policy close (1008 and kin) is reported with the server's words, not a guess."""

from __future__ import annotations

import pytest
from websockets.asyncio.server import ServerConnection, serve

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import State, StateChanged
from logtail_tui.sources.hub import Hub

pytestmark = pytest.mark.timeout(20)


async def final_state(code: int, reason: str) -> StateChanged:
    async def handler(ws: ServerConnection) -> None:
        await ws.close(code, reason)

    states: list[StateChanged] = []
    async with serve(handler, "127.0.0.1", 0) as srv:
        url = f"ws://127.0.0.1:{srv.sockets[0].getsockname()[1]}/stream"
        settings = Settings()
        spec = registry.resolve(url, settings)
        hub = Hub(
            [spec],
            settings,
            lambda _i, ev: states.append(ev) if isinstance(ev, StateChanged) else None,
        )
        await hub.run()
    return states[-1]


@pytest.mark.parametrize(
    ("code", "reason", "said"),
    [
        (1008, "rate plan exceeded", "(rate plan exceeded)"),
        (1008, "", "(policy violation)"),
        (4403, "forbidden for this user", "(forbidden for this user)"),
    ],
)
async def test_policy_close_is_generic_and_quotes_the_server(
    code: int, reason: str, said: str
) -> None:
    final = await final_state(code, reason)
    assert final.state is State.FAILED
    assert f"with code {code} {said}" in final.detail
    assert "task" not in final.detail  # any server, not only a task runner
    assert final.detail.endswith("check the URL and your credentials.")
