"""``cmd:NAME=COMMAND`` names a command source: a short label and tag; the command still runs
and messages still quote it (issue #9, smaller frictions)."""

from __future__ import annotations

import asyncio

import pytest

from logtail_tui.core.errors import UsageError
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources.command import CommandSource
from logtail_tui.sources.hub import Hub
from logtail_tui.sources.registry import resolve


def test_alias_is_the_label_and_plain_commands_keep_theirs() -> None:
    assert resolve("cmd:api=kubectl logs -f deploy/api").label == "api"
    assert resolve("cmd:web.2=docker logs -f web").label == "web.2"
    # No alias: an argument holding "=", or a path before it, keeps the whole command.
    assert resolve("cmd:echo a=b").label == "cmd:echo a=b"
    assert resolve("cmd:./run=x").label == "cmd:./run=x"
    with pytest.raises(UsageError, match=r"^No command given after 'cmd:'"):
        resolve("cmd:api=")


async def test_an_aliased_command_runs_and_its_failure_names_the_command() -> None:
    settings = Settings()
    specs = [resolve("cmd:job=sh -c 'echo hello; exit 4'", settings)]
    events: list[object] = []
    hub = Hub(specs, settings, lambda i, e: events.append(e))
    await asyncio.wait_for(hub.run(), 10)
    assert any(isinstance(e, Batch) and e.texts == ["hello"] for e in events)
    assert hub.failed and hub.states[0].detail == "sh -c 'echo hello; exit 4' exited with status 4."


def test_secrets_in_an_aliased_command_stay_hidden() -> None:
    settings = Settings(token="s3cr3t-token")
    spec = resolve("cmd:api=curl -H 'Authorization: Bearer s3cr3t-token' https://h/logs", settings)
    assert spec.label == "api" and "s3cr3t" not in spec.label
    source = CommandSource(spec, settings)  # what its messages quote
    assert source.command.startswith("curl -H") and "s3cr3t" not in source.command
