"""textual-serve's server, adapted for `ui.serve`: our socket, our page URLs, a clean stop.

Importing this module fails with ImportError when the ``[serve]`` extra is not installed;
`ui.serve` turns that into one sentence.
"""

from __future__ import annotations

import asyncio
import socket
from typing import Any

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server

from logtail_tui.ui.serve import host_guard

TITLE = "logtail"


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


def make_server(
    command: str, sock: socket.socket, url: str, allowed: frozenset[str] | None
) -> LogtailServer:
    """The server `ui.serve.run_server` runs."""
    return LogtailServer(command, sock, url, allowed)
