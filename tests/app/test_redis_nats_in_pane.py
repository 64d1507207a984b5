"""The real app following Redis streams and NATS subjects at once: one merged pane in
which every record says which stream or subject it came from."""

from __future__ import annotations

import nats
import pytest
import redis.asyncio as aioredis
from engines import EngineServer
from support import until

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.contract import State
from logtail_tui.ui.app import LogtailApp

pytestmark = pytest.mark.timeout(60)


async def test_streams_and_subjects_are_tagged_in_one_pane(
    redis_engine: EngineServer, nats_engine: EngineServer
) -> None:
    settings = Settings()
    specs = [
        registry.resolve(f"redis://127.0.0.1:{redis_engine.port}/api,worker", settings),
        registry.resolve(f"nats://127.0.0.1:{nats_engine.port}/logs.>", settings),
    ]
    app = LogtailApp(specs, settings)
    async with app.run_test(size=(120, 20)) as pilot:
        await until(lambda: all(s.state is State.LIVE for s in app.hub.states), timeout=20)
        r = aioredis.Redis(port=redis_engine.port)
        await r.xadd("api", {"message": '{"level":"error","msg":"api failed"}'})
        await r.xadd("worker", {"message": "job done"})
        await r.aclose()
        nc = await nats.connect(f"nats://127.0.0.1:{nats_engine.port}")
        await nc.publish("logs.billing", b'level=warn msg="card declined"')
        await nc.flush()
        await nc.close()
        await until(lambda: app.store.received >= 3, timeout=20)
        await pilot.pause()
        pane = app.pane
        shown = "\n".join(
            pane.render_line(y).text for y in range(pane.scrollable_content_region.height)
        )
    assert "[api] api failed" in shown
    assert "[worker] job done" in shown
    assert "[logs.billing] card declined" in shown
