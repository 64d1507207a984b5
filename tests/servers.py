"""A real uvicorn server on 127.0.0.1, port 0, in a background thread, for network tests.

``httpx.ASGITransport`` buffers whole responses, so endless streams never yield through
it; a real server is the only honest way to test streaming clients.

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

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.http import HttpSource
from logtail_tui.testing import Probe, probe


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


Collected = Probe
"""What a `follow` run saw (the test kit's `Probe`)."""


async def follow(
    url: str,
    settings: Settings | None = None,
    *,
    until: Callable[[Probe], bool] | None = None,
    timeout: float = 8.0,
    backoff: Callable[[Settings], Backoff] | None = None,
) -> Probe:
    """Follow ``url`` through the real registry and `Hub` (the test kit's `probe`) until
    the source ends or ``until`` holds; fails the test after ``timeout`` seconds.

    Args:
        backoff: Builds a quicker reconnect policy for tests that reconnect many times.
    """
    settings = settings or Settings()
    if backoff is None:
        return await probe(url, settings, until=until, timeout=timeout)
    spec = registry.resolve(url, settings)
    source = HttpSource(spec, settings, backoff=lambda: backoff(settings))
    return await probe(source, settings, until=until, timeout=timeout)


def quick_backoff(settings: Settings) -> Backoff:
    """A reconnect policy 20 times quicker than production, for reconnect-heavy tests."""
    return Backoff(base=0.05, floor=0.05, cap=0.2, retries=settings.retries)
