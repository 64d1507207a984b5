"""The stdin and cmd adapters against real pipes, terminals and processes."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from support import until

from logtail_tui.core.errors import SourceError, SourceNotFound, UsageError
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources import command as command_module
from logtail_tui.sources.command import CommandSource
from logtail_tui.sources.contract import Source, SourceSpec, State, StateChanged
from logtail_tui.sources.hub import Hub
from logtail_tui.sources.registry import resolve
from logtail_tui.sources.stdin import StdinSource


class Run:
    """Drives a source in a task, recording lines, batches and states."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.lines: list[str] = []
        self.batches = 0
        self.states: list[StateChanged] = []
        self.error: SourceError | None = None
        self.task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Run:
        self.task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self.task is not None
        self.task.cancel()
        await asyncio.gather(self.task, return_exceptions=True)
        await self.source.aclose()

    async def _run(self) -> None:
        try:
            async for event in self.source.events():
                if isinstance(event, Batch):
                    assert len(event) > 0, "empty batch"
                    self.batches += 1
                    self.lines.extend(event.texts)
                elif isinstance(event, StateChanged):
                    self.states.append(event)
        except SourceError as exc:
            self.error = exc

    async def until_lines(self, n: int, timeout: float = 5.0) -> None:
        assert self.task is not None
        task = self.task
        await until(
            lambda: len(self.lines) >= n,
            timeout,
            abort=lambda: task.done() and f"ended early: {self.error} {self.states}",
            describe=lambda: f"last lines {self.lines[-3:]}",
        )

    async def done(self, timeout: float = 10.0) -> None:
        assert self.task is not None
        await asyncio.wait_for(asyncio.shield(self.task), timeout)


def stdin_source(target: str) -> StdinSource:
    return StdinSource(SourceSpec("-", "stdin", target, "stdin"), Settings())


def cmd_source(command: str) -> CommandSource:
    spec = resolve(f"cmd:{command}")
    assert spec.scheme == "cmd"
    return CommandSource(spec, Settings())


# -- stdin


async def test_stdin_reads_a_real_pipe_to_eof_in_few_batches() -> None:
    r, w = os.pipe()
    n = 100_000
    rows = [f"line {i:06d}" for i in range(n)]
    data = "".join(row + "\n" for row in rows).encode()

    def feed() -> None:
        with os.fdopen(w, "wb") as f:
            for start in range(0, len(data), 65536):
                f.write(data[start : start + 65536])

    try:
        async with Run(stdin_source(f"fd:{r}")) as run:
            await asyncio.to_thread(feed)
            await run.done()
        assert run.lines == rows
        assert run.batches < n // 100  # chunks coalesced, never a batch per line
        assert [s.state for s in run.states] == [State.LIVE, State.COMPLETED]
        assert run.states[-1].detail == "end of input"
        os.fstat(r)  # the source read a duplicate: the caller's descriptor is still open
    finally:
        os.close(r)


async def test_stdin_unfinished_last_line_arrives_at_eof() -> None:
    r, w = os.pipe()
    try:
        async with Run(stdin_source(f"fd:{r}")) as run:
            os.write(w, b"a\r\nb")
            await run.until_lines(1)
            os.close(w)
            w = -1
            await run.done()
        assert run.lines == ["a", "b"]
    finally:
        os.close(r)
        if w >= 0:
            os.close(w)


async def test_stdin_closed_descriptor_is_an_error() -> None:
    r, w = os.pipe()
    os.close(r)
    os.close(w)
    async with Run(stdin_source(f"fd:{r}")) as run:
        await run.done()
    assert isinstance(run.error, SourceNotFound)
    assert str(run.error) == "Standard input is closed; pipe something into logtail or name a file."


_READ_STDIN = textwrap.dedent(
    """
    import asyncio
    from logtail_tui.core.settings import Settings
    from logtail_tui.sources.hub import Hub
    from logtail_tui.sources.registry import resolve

    async def main():
        settings = Settings()
        got = []
        hub = Hub([resolve("-", settings)], settings,
                  lambda i, e: got.extend(getattr(e, "texts", ())))
        await hub.run()
        print(len(got), got[0], got[-1], hub.states[0].state.value)

    asyncio.run(main())
    """
)


def test_dash_reads_fd_0_from_a_pipe() -> None:
    data = "".join(f"row {i}\n" for i in range(5000))
    out = subprocess.run(
        [sys.executable, "-c", _READ_STDIN], input=data, capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["5000", "row", "0", "row", "4999", "completed"]


def test_dash_reads_a_regular_file_redirected_to_stdin(tmp_path: Path) -> None:
    path = tmp_path / "in.log"
    path.write_text("".join(f"row {i}\n" for i in range(300)))
    with open(path, "rb") as f:
        out = subprocess.run(
            [sys.executable, "-c", _READ_STDIN], stdin=f, capture_output=True, text=True, timeout=30
        )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["300", "row", "0", "row", "299", "completed"]


_REATTACH = textwrap.dedent(
    """
    import os, sys
    from logtail_tui.core.errors import UsageError
    from logtail_tui.sources.stdin import reattach_terminal

    if len(sys.argv) > 1:
        os.close(os.open(sys.argv[1], os.O_RDWR))  # a session leader opening a tty: our terminal
    try:
        target = reattach_terminal()
    except UsageError as exc:
        print("usage:", exc)
        raise SystemExit(0)
    fd = int(target.removeprefix("fd:"))
    data = b""
    while chunk := os.read(fd, 4096):
        data += chunk
    print("tty0" if os.isatty(0) else "notty0", data.decode().strip(), flush=True)
    """
)


def test_reattach_terminal_without_a_terminal_is_a_usage_error() -> None:
    out = subprocess.run(
        [sys.executable, "-c", _REATTACH],
        input="piped\n",
        capture_output=True,
        text=True,
        timeout=30,
        start_new_session=True,  # no controlling terminal, so /dev/tty cannot open
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "usage: Cannot read keys from a terminal while input is piped; use --plain."
    )


def test_reattach_terminal_moves_the_pipe_and_puts_the_terminal_on_fd_0() -> None:
    master, slave = os.openpty()
    try:
        proc = subprocess.Popen(
            [sys.executable, "-c", _REATTACH, os.ttyname(slave)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        out, err = proc.communicate(b"piped data\n", timeout=30)
    finally:
        os.close(slave)
        os.close(master)
    assert proc.returncode == 0, err
    assert out.decode().strip() == "tty0 piped data"


# -- cmd


async def test_cmd_follows_stdout_and_stderr_and_completes() -> None:
    script = "echo out1; echo err1 >&2; printf 'half-'; echo err2 >&2; echo done"
    async with Run(cmd_source(f"sh -c {script!r}")) as run:
        await run.done()
    assert sorted(run.lines) == sorted(["out1", "err1", "half-done", "err2"])
    # Each stream keeps its own order; a half line on stdout never joins stderr's.
    assert [x for x in run.lines if not x.startswith("err")] == ["out1", "half-done"]
    assert [x for x in run.lines if x.startswith("err")] == ["err1", "err2"]
    assert run.states[0].state is State.LIVE
    assert (run.states[-1].state, run.states[-1].detail) == (
        State.COMPLETED,
        "exited with status 0",
    )
    assert run.error is None


async def test_cmd_many_lines_are_batched() -> None:
    async with Run(cmd_source("seq 1 200000")) as run:
        await run.done()
    assert run.lines == [str(i) for i in range(1, 200_001)]
    assert run.batches < 2000


async def test_cmd_nonzero_status_fails_through_the_hub() -> None:
    settings = Settings()
    events: list[object] = []
    hub = Hub(
        [resolve("cmd:sh -c 'echo bye; exit 3'", settings)], settings, lambda i, e: events.append(e)
    )
    await asyncio.wait_for(hub.run(), 10)
    assert hub.failed
    assert hub.states[0].detail == "sh -c 'echo bye; exit 3' exited with status 3."
    assert any(isinstance(e, Batch) and e.texts == ["bye"] for e in events)


async def test_cmd_not_found() -> None:
    async with Run(cmd_source("no-such-command-xyz --flag")) as run:
        await run.done()
    assert isinstance(run.error, SourceNotFound)
    assert str(run.error) == (
        "Command not found: no-such-command-xyz; check it is installed and on PATH."
    )


async def test_cmd_empty_and_badly_quoted() -> None:
    with pytest.raises(UsageError, match=r"^No command given after 'cmd:'"):
        resolve("cmd:  ")  # refused before anything runs (exit status 2)
    empty = SourceSpec("cmd:", "cmd", "", "cmd:")  # built by hand: refused when run
    async with Run(CommandSource(empty, Settings())) as run:
        await run.done()
    assert str(run.error) == "No command given after 'cmd:'; write e.g. cmd:journalctl -f."
    async with Run(cmd_source("echo 'unclosed")) as run:
        await run.done()
    assert str(run.error).startswith("Cannot split the command")


def _gone(pid: int) -> bool:
    """No such process, or only a zombie waiting for a reaper."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except FileNotFoundError:
        return True


async def _wait_gone(pid: int, timeout: float = 5.0) -> None:
    await until(lambda: _gone(pid), timeout, 0.01, describe=lambda: f"process {pid} still running")


async def test_aclose_terminates_the_command_and_its_children() -> None:
    run = Run(cmd_source("sh -c 'sleep 100 & echo $!; wait'"))
    async with run:
        await run.until_lines(1)
        child = int(run.lines[0])
        proc = run.source.process  # type: ignore[attr-defined]
        assert proc is not None and proc.returncode is None
        assert not _gone(child)
    assert proc.returncode is not None
    await _wait_gone(child)
    await run.source.aclose()  # safe to call twice


async def test_aclose_kills_a_command_that_ignores_sigterm(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(command_module, "TERM_GRACE", 0.2)
    run = Run(cmd_source("sh -c 'trap \"\" TERM; echo ready; sleep 100'"))
    async with run:
        await run.until_lines(1)
        proc = run.source.process  # type: ignore[attr-defined]
    assert proc is not None and proc.returncode == -9
