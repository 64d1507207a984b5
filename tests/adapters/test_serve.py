"""``logtail --serve``: a real server process, a real HTTP client and the page's WebSocket.

The test speaks to the server as textual-serve's page script does: fetch the page, open
the WebSocket it names with the terminal size, send a resize, read the app's output.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import websockets
from support import LOGTAIL, until, until_blocking

TOKEN = "tok-3f9a1c77e2"
"""A secret on the command line: it must reach no output and no session's command line."""


class Served:
    """A ``logtail --serve`` process, its output collected as it comes."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [*LOGTAIL, "--serve", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.out: list[str] = []
        self.err: list[str] = []
        for stream, sink in ((self.proc.stdout, self.out), (self.proc.stderr, self.err)):
            threading.Thread(target=self._drain, args=(stream, sink), daemon=True).start()

    @staticmethod
    def _drain(stream, sink: list[str]) -> None:  # type: ignore[no-untyped-def]
        for line in stream:
            sink.append(line)

    def url(self) -> str:
        until_blocking(
            lambda: any("serving on" in line for line in self.out),
            timeout=30,
            abort=lambda: self.proc.poll() is not None and "".join(self.err),
        )
        line = next(line for line in self.out if "serving on" in line)
        match = re.search(r"http://127\.0\.0\.1:\d+", line)
        assert match, line
        return match.group(0)

    def descendants(self) -> list[int]:
        """Processes started under the server (the sessions' shells and apps)."""
        parents: dict[int, int] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
        found: list[int] = []
        frontier = [self.proc.pid]
        while frontier:
            pid = frontier.pop()
            children = [child for child, parent in parents.items() if parent == pid]
            found.extend(children)
            frontier.extend(children)
        return found

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout=30)
        finally:
            if self.proc.poll() is None:
                os.killpg(self.proc.pid, signal.SIGKILL)


@pytest.fixture
async def served() -> AsyncIterator[Served]:
    server = Served("--port", "0", "--token", TOKEN, "demo:seed=7,rate=50")
    try:
        yield server
    finally:
        server.stop()


def alive(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text().lower()
    except OSError:
        return False


async def session_output(ws_url: str, wanted: bytes) -> tuple[bytes, websockets.ClientConnection]:
    """Open a session as the page does and read until ``wanted`` has arrived."""
    ws = await websockets.connect(f"{ws_url}?width=100&height=30", max_size=None)
    await ws.send(json.dumps(["resize", {"width": 100, "height": 30}]))
    received = b""

    async def read() -> None:
        nonlocal received
        while wanted not in received:
            message = await ws.recv()
            received += message if isinstance(message, bytes) else message.encode()

    await asyncio.wait_for(read(), timeout=60)
    return received, ws


async def test_page_and_websocket_serve_the_tui(served: Served) -> None:
    url = await asyncio.to_thread(served.url)
    async with httpx.AsyncClient() as client:
        page = await client.get(url + "/")
        assert page.status_code == 200
        assert "textual.js" in page.text and "<div>logtail</div>" in page.text
        script = await client.get(url + "/static/js/textual.js")
        assert script.status_code == 200 and "WebSocket" in script.text
    ws_url = re.search(r'data-session-websocket-url="([^"]+)"', page.text)
    assert ws_url and ws_url.group(1) == url.replace("http://", "ws://") + "/ws"

    output, ws = await session_output(ws_url.group(1), b"demo:seed=7")
    assert b"\x1b[" in output  # the terminal stream of a running Textual app
    assert any(level in output for level in (b"INFO", b"WARN", b"ERROR", b"DEBUG"))

    # The session's command line carries nothing but the module: the token travels by
    # the environment, out of `ps` and of textual-serve's log.
    sessions = served.descendants()
    assert sessions
    for pid in sessions:
        assert TOKEN not in Path(f"/proc/{pid}/cmdline").read_text()

    await ws.send(json.dumps(["stdin", "q"]))  # the user quits the TUI in the browser
    await asyncio.wait_for(ws.wait_closed(), timeout=30)
    await until(lambda: not any(alive(pid) for pid in sessions), timeout=30)

    assert served.stop() == 0
    assert not served.descendants()
    assert TOKEN not in "".join(served.out + served.err)
    assert "Traceback" not in "".join(served.out + served.err)


async def test_stopping_the_server_ends_open_sessions(served: Served) -> None:
    url = await asyncio.to_thread(served.url)
    _, ws = await session_output(url.replace("http://", "ws://") + "/ws", b"demo:seed=7")
    sessions = served.descendants()
    assert sessions and all(alive(pid) for pid in sessions)
    assert await asyncio.to_thread(served.stop) == 0
    await until(lambda: not any(alive(pid) for pid in sessions), timeout=30)
    await asyncio.wait_for(ws.wait_closed(), timeout=30)


async def test_other_sites_and_hosts_are_refused(served: Served) -> None:
    url = await asyncio.to_thread(served.url)
    port = url.rsplit(":", 1)[1]
    async with httpx.AsyncClient() as client:
        rebound = await client.get(url + "/", headers={"Host": f"attacker.example:{port}"})
        assert rebound.status_code == 403
        local = await client.get(f"http://localhost:{port}/")
        assert local.status_code == 200  # the names of this machine are fine
        assert f'"ws://localhost:{port}/ws"' in local.text  # a tunnel's own address is kept
    ws_url = url.replace("http://", "ws://") + "/ws"
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(ws_url, origin="http://attacker.example")
    assert refused.value.response.status_code == 403
    _, ws = await session_output(ws_url, b"demo:seed=7")  # our own page's origin is fine
    await ws.close()


def test_port_in_use_is_one_sentence_and_exit_1() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [*LOGTAIL, "--serve", "--port", str(port), "demo:"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr == (
        f"logtail: Port {port} is in use on 127.0.0.1: "
        "choose another with --port N (0: any free port).\n"
    )


def test_missing_textual_serve_says_which_extra_to_install() -> None:
    hide = "import sys; sys.modules['textual_serve'] = None; from logtail_tui.cli import main; "
    result = subprocess.run(
        [sys.executable, "-c", hide + "main(['--serve', '--port', '0', 'demo:'])"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr == (
        "logtail: Serving in a browser needs textual-serve: pip install 'logtail-tui[serve]'.\n"
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--serve", "--plain", "demo:"], "drop --plain"),
        (["--serve", "-"], "standard input"),
        (["--port", "8000", "demo:"], "go with --serve"),
        (["--serve", "--port", "70000", "demo:"], "0 to 65535"),
        (["--serve", "--theme", "neon", "demo:"], "Unknown theme 'neon'"),
    ],
)
def test_serve_usage_errors_are_one_sentence(args: list[str], message: str) -> None:
    result = subprocess.run(
        [*LOGTAIL, *args], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_port_as_a_config_default_waits_for_serve(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        config = tmp_path / "config.toml"
        config.write_text(f'port = {port}\nhost = "127.0.0.1"\n')
        env = {**os.environ, "LOGTAIL_CONFIG": str(config)}
        plain = subprocess.run(
            [*LOGTAIL, "--plain", "--no-follow", "demo:count=3"],
            capture_output=True,
            text=True,
            timeout=60,
            env=env,
        )
        assert plain.returncode == 0 and len(plain.stdout.splitlines()) == 3, plain.stderr
        served = subprocess.run(
            [*LOGTAIL, "--serve", "demo:"], capture_output=True, text=True, timeout=60, env=env
        )
    assert served.returncode == 1 and f"Port {port} is in use" in served.stderr


def test_the_cli_reads_the_served_command_line_under_the_servers_name() -> None:
    from logtail_tui import cli
    from logtail_tui.ui import serve

    assert cli.SERVE_ARGV_ENV == serve.ARGV_ENV
