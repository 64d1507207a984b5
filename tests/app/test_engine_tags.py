"""The real app following a Loki tail and an OTLP receiver at once: one merged pane
in which every record says which stream or service it came from."""

from __future__ import annotations

import socket

import httpx
import pytest
from loki_server import FakeLoki
from support import until

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.ui.app import LogtailApp

pytestmark = pytest.mark.timeout(30)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_loki_streams_and_otlp_services_are_tagged_in_one_pane() -> None:
    port = free_port()
    async with FakeLoki() as loki:
        loki.push({"env": "prod", "app": "api"}, "ERROR api failed")
        loki.push({"env": "prod", "app": "web"}, "web served")
        settings = Settings()
        specs = [
            registry.resolve(loki.url('{env="prod"}'), settings),
            registry.resolve(f"otlp://127.0.0.1:{port}", settings),
        ]
        app = LogtailApp(specs, settings)
        async with app.run_test(size=(160, 20)) as pilot:
            await until(lambda: app.store.received >= 2, timeout=10)
            record = {"severityNumber": 13, "body": {"stringValue": "card declined"}}
            attrs = [{"key": "service.name", "value": {"stringValue": "billing"}}]
            body = {"resourceLogs": [{"resource": {"attributes": attrs},
                                      "scopeLogs": [{"logRecords": [record]}]}]}  # fmt: skip
            async with httpx.AsyncClient() as client:
                resp = await client.post(f"http://127.0.0.1:{port}/v1/logs", json=body)
            assert resp.status_code == 200
            await until(lambda: app.store.received >= 3, timeout=10)
            await pilot.pause()
            pane = app.pane
            shown = "\n".join(
                pane.render_line(y).text for y in range(pane.scrollable_content_region.height)
            )
    assert "[app=api,env=prod] ERROR api failed" in shown
    assert "[app=web,env=prod] web served" in shown
    assert "[billing] card declined" in shown
