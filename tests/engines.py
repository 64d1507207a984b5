"""Real log-engine servers for tests: ``redis-server`` and ``nats-server`` (JetStream on),
each on a free loopback port, which a test can kill and start again on the same port
(and, for NATS, the same JetStream store). Import with ``from engines import ...``.

Also `Following` (an engine source run through the real `Hub` while the test acts) and
`run_cli` (the real command line in a subprocess).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from servers import Collected
from support import until

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State
from logtail_tui.sources.hub import Hub

SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin", "/sbin"])
"""Debian puts nats-server in /usr/sbin, which a non-login PATH may lack."""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.02)
    raise RuntimeError(f"server did not listen on {port} within {timeout} s")


class EngineServer:
    """A server process on a fixed free port; `stop` kills it, `start` brings it back."""

    def __init__(self, argv: Callable[[int], list[str]], folder: Path) -> None:
        self.port = free_port()
        self._argv = argv
        self.folder = folder
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> EngineServer:
        log = (self.folder / "server.log").open("ab")
        self.proc = subprocess.Popen(
            self._argv(self.port), cwd=self.folder, stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        _wait_port(self.port, self.proc)
        return self

    def stop(self) -> None:
        """Kill the server (no graceful shutdown, like a crash) and wait for it."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()


def redis_server(folder: Path, *extra: str) -> EngineServer:
    """``redis-server`` with append-only persistence (fsync always), so entries survive a kill."""
    exe = shutil.which("redis-server", path=SEARCH_PATH)
    if exe is None:
        raise RuntimeError("redis-server is not installed; run .ci/install-servers")
    return EngineServer(
        lambda port: [
            exe, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
            "--save", "", "--appendonly", "yes", "--appendfsync", "always", *extra,
        ],
        folder,
    )  # fmt: skip


def nats_server(folder: Path, *extra: str) -> EngineServer:
    """``nats-server`` with JetStream storing in ``folder``."""
    exe = shutil.which("nats-server", path=SEARCH_PATH)
    if exe is None:
        raise RuntimeError("nats-server is not installed; run .ci/install-servers")
    store = folder / "js"
    store.mkdir(exist_ok=True)
    return EngineServer(
        lambda port: [exe, "-a", "127.0.0.1", "-p", str(port), "-js", "-sd", str(store), *extra],
        folder,
    )


def quick(settings: Settings) -> Backoff:
    """A reconnect policy 20 times quicker than production."""
    return Backoff(base=0.05, floor=0.05, cap=0.2, retries=settings.retries)


class Following:
    """Follows one engine URL through the registry and the real `Hub` (quick backoff)
    while the test acts on the server; ``got`` fills as events arrive.

    Usage::

        async with Following(url) as f:
            await f.until(lambda got: got.of(State.LIVE))
    """

    def __init__(self, url: str, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()
        self.spec = registry.resolve(url, self.settings)
        self.got = Collected()
        self.hub = Hub([self.spec], self.settings, self._sink, self._factory)

    @staticmethod
    def _factory(sp: SourceSpec, st: Settings) -> Source:
        return registry.load(sp.scheme)(sp, st, backoff=quick(st))  # type: ignore[call-arg]

    def _sink(self, _index: int, event: SourceEvent) -> None:
        self.got.events.append(event)

    async def until(self, condition: Callable[[Collected], object], timeout: float = 15.0) -> None:
        """Wait until ``condition(got)`` holds; fails with the last events seen."""
        try:
            await until(lambda: condition(self.got), timeout)
        except AssertionError:
            raise AssertionError(f"timed out; saw {self.got.events[-5:]!r}") from None

    @property
    def ended(self) -> bool:
        return self.got.final is not None

    async def __aenter__(self) -> Following:
        self.hub.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.hub.aclose()


def state_is(state: State) -> Callable[[Collected], bool]:
    return lambda got: bool(got.states) and got.states[-1].state is state


def run_cli(
    *args: str, block: str | None = None, timeout: float = 30.0
) -> subprocess.CompletedProcess[str]:
    """``python -m logtail_tui ARGS`` in a subprocess; ``block`` makes that module unimportable."""
    code = "import runpy, sys\n"
    if block:
        code += f"sys.modules[{block!r}] = None\n"
    code += "sys.argv = ['logtail', *sys.argv[1:]]\nrunpy.run_module('logtail_tui', run_name='__main__')\n"
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=timeout
    )


def assert_one_line_failure(
    done: subprocess.CompletedProcess[str], phrase: str, hidden: str = ""
) -> None:
    """The CLI failed with exit status 1 and exactly one stderr line containing ``phrase``;
    ``hidden`` (a password) appears nowhere, nor does a traceback."""
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and phrase in lines[0], done.stderr
    assert "Traceback" not in done.stderr
    if hidden:
        assert hidden not in done.stderr + done.stdout
