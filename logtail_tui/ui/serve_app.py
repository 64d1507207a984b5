"""textual-serve's server, adapted for `ui.serve`: our socket, our page URLs, a guard, a clean stop.

Importing this module fails with ImportError when the ``[serve]`` extra is not installed;
`ui.serve` turns that into one sentence.
"""

from __future__ import annotations

import asyncio
import re
import signal
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

TITLE = "logtail"
_HOST = re.compile(r"(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?")
"""A Host header we may echo into the page: a name or an address, and a port."""
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


class LogtailServer(Server):
    """Serves one TUI session per browser tab on an already bound socket."""

    def __init__(
        self, command: str, sock: socket.socket, url: str, allowed: frozenset[str] | None
    ) -> None:
        host, port = sock.getsockname()[:2]
        super().__init__(command, host=host, port=port, title=TITLE, public_url=url)
        self.allowed = allowed
        self.sockets: set[web.WebSocketResponse] = set()

    def initialize_logging(self) -> None:
        """No logging setup: `ui.serve` prints the one line that matters."""

    async def on_startup(self, app: web.Application) -> None:
        """textual-serve prints a banner with the command here; we printed the URL already."""

    async def on_shutdown(self, app: web.Application) -> None:
        """Close every session, so each app process is told to quit and is awaited."""
        for websocket in list(self.sockets):
            await websocket.close()

    async def build(self) -> web.Application:
        """The aiohttp application, with the Host/Origin guard in front of every route."""
        app = await self._make_app()
        app.middlewares.append(host_guard(self.allowed))
        return app

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        """The page, its URLs on the address the browser used (a tunnel's local port)."""
        base = f"{request.scheme}://{request.host}"
        ws_scheme = "wss" if request.scheme == "https" else "ws"
        try:
            font_size = int(request.query.get("fontsize", "16"))
        except ValueError:
            font_size = 16
        context: dict[str, Any] = {
            "font_size": font_size,
            "app_websocket_url": f"{ws_scheme}://{request.host}/ws",
            "config": {"static": {"url": f"{base}/static/"}},
            "application": {"name": TITLE},
        }
        return aiohttp_jinja2.render_template("app_index.html", request, context)

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser session: an app process fed by this WebSocket, stopped when it closes."""
        websocket = web.WebSocketResponse(heartbeat=15)
        size = [
            _int(request.query.get(key), default)
            for key, default in (("width", 80), ("height", 24))
        ]
        await websocket.prepare(request)
        self.sockets.add(websocket)
        service = AppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=websocket.close,
            download_manager=self.download_manager,
        )
        try:
            await service.start(*size)
            await self._process_messages(websocket, service)
        except (asyncio.CancelledError, ConnectionError):
            pass
        finally:
            self.sockets.discard(websocket)
            await service.stop()  # tells the app to quit and waits for it
            await websocket.close()
        return websocket


def _int(value: str | None, default: int) -> int:
    try:
        return max(1, int(value)) if value is not None else default
    except ValueError:
        return default


def run_server(command: str, sock: socket.socket, url: str, allowed: frozenset[str] | None) -> None:
    """Serve ``command`` to browsers on ``sock`` (reached at ``url``) until SIGINT or SIGTERM.

    Args:
        allowed: Host names the page may be asked by; ``None`` accepts any (wildcard bind).
    """
    server = LogtailServer(command, sock, url, allowed)
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    try:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, server.request_exit)
        web.run_app(
            server.build(),
            sock=sock,
            handle_signals=False,
            loop=loop,
            print=None,
            shutdown_timeout=5,
        )
    finally:
        loop.close()


def host_guard(
    allowed: frozenset[str] | None,
) -> Callable[[web.Request, Handler], Awaitable[web.StreamResponse]]:
    """Middleware refusing a Host that is not ours (DNS rebinding) or a foreign Origin.

    Browsers send Origin on every WebSocket handshake; a page from another site opening our
    WebSocket would otherwise drive the TUI (cross-site WebSocket hijacking).
    """

    @web.middleware
    async def guard(request: web.Request, handler: Handler) -> web.StreamResponse:
        host = request.headers.get("Host", "")
        if not _HOST.fullmatch(host):
            raise web.HTTPBadRequest(text="Bad Host header.")
        name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
        name = name.strip("[]").lower()
        if allowed is not None and name not in allowed:
            raise web.HTTPForbidden(text="This logtail serves only its own address.")
        origin = request.headers.get("Origin")
        if origin is not None and origin not in (f"http://{host}", f"https://{host}"):
            raise web.HTTPForbidden(text="Pages of other sites may not use this logtail.")
        return await handler(request)

    return guard
