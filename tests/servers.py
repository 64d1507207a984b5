"""A real uvicorn server on 127.0.0.1, port 0, in a background thread, for network tests.

``httpx.ASGITransport`` buffers whole responses, so endless streams never yield through
it; a real server is the only honest way to test streaming clients (docs/architecture.md, "Engineering notes").

Usage::

    with LiveServer(app) as server:
        got = await follow(server.url("/stream"), Settings(...))
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from types import TracebackType
from typing import Any

import uvicorn
from support import until_blocking

from logtail_tui.core.record import Batch, Record
from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import (
    Heartbeat,
    Source,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
)
from logtail_tui.sources.http import HttpSource
from logtail_tui.sources.hub import Hub


class LiveServer:
    """Runs an ASGI app on loopback until the ``with`` block ends.

    Args:
        app: Any ASGI application (Starlette, a bare callable...).
        start_timeout: Seconds to wait for the socket to be listening.
        **options: More `uvicorn.Config` options, e.g. ``ssl_certfile``/``ssl_keyfile``.
    """

    def __init__(self, app: Any, start_timeout: float = 10.0, **options: Any) -> None:
        self.scheme = "https" if options.get("ssl_certfile") else "http"
        config = uvicorn.Config(
            app,
            host="127.0.0.1",
            port=0,
            log_level="critical",
            log_config=None,
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=1,
            ws="none",
            **options,
        )
        self.server = uvicorn.Server(config)
        self.start_timeout = start_timeout
        self.port = 0
        self._thread = threading.Thread(target=self._serve, name="uvicorn-test", daemon=True)
        self._error: BaseException | None = None

    def _serve(self) -> None:
        try:
            asyncio.run(self.server.serve())
        except BaseException as exc:  # reported to the test thread by __enter__
            self._error = exc

    def url(self, path: str = "/") -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> LiveServer:
        self._thread.start()
        until_blocking(
            lambda: self.server.started,
            self.start_timeout,
            abort=lambda: (self._error is not None or not self._thread.is_alive())
            and f"uvicorn did not start: {self._error!r}",
        )
        self.port = self.server.servers[0].sockets[0].getsockname()[1]
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Endless streams would hold a graceful shutdown open: force it.
        self.server.should_exit = True
        self.server.force_exit = True
        self._thread.join(timeout=10)


class Collected:
    """What a `follow` run saw, in order."""

    def __init__(self) -> None:
        self.events: list[SourceEvent] = []

    @property
    def texts(self) -> list[str]:
        return [t for ev in self.events if isinstance(ev, Batch) for t in ev.texts]

    @property
    def records(self) -> list[Record]:
        return [r for ev in self.events if isinstance(ev, Batch) for r in ev.records()]

    @property
    def states(self) -> list[StateChanged]:
        return [ev for ev in self.events if isinstance(ev, StateChanged)]

    def of(self, state: State) -> list[StateChanged]:
        return [ev for ev in self.states if ev.state is state]

    @property
    def heartbeats(self) -> int:
        return sum(isinstance(ev, Heartbeat) for ev in self.events)

    @property
    def final(self) -> StateChanged | None:
        states = self.states
        return states[-1] if states and states[-1].state.final else None


async def follow(
    url: str,
    settings: Settings | None = None,
    *,
    until: Callable[[Collected], bool] | None = None,
    timeout: float = 8.0,
    backoff: Callable[[Settings], Backoff] | None = None,
) -> Collected:
    """Follow ``url`` through the real registry and `Hub` until the source ends or
    ``until`` holds; fails the test if neither happens within ``timeout`` seconds.

    Args:
        backoff: Builds a quicker reconnect policy for tests that reconnect many times.
    """
    settings = settings or Settings()
    spec = registry.resolve(url, settings)
    factory: Callable[[SourceSpec, Settings], Source] = registry.create
    if backoff is not None:
        make = backoff

        def factory(sp: SourceSpec, st: Settings) -> Source:
            return HttpSource(sp, st, backoff=lambda: make(st))

    got = Collected()
    done = asyncio.Event()

    def sink(_index: int, event: SourceEvent) -> None:
        got.events.append(event)
        if (isinstance(event, StateChanged) and event.state.final) or (until and until(got)):
            done.set()

    hub = Hub([spec], settings, sink, factory)
    hub.start()
    try:
        await asyncio.wait_for(done.wait(), timeout)
    except TimeoutError:
        raise AssertionError(f"timed out; saw {got.events[-5:]!r}") from None
    finally:
        await hub.aclose()
    return got


def quick_backoff(settings: Settings) -> Backoff:
    """A reconnect policy 20 times quicker than production, for reconnect-heavy tests."""
    return Backoff(base=0.05, floor=0.05, cap=0.2, retries=settings.retries)
