"""The ``cmd`` adapter: run a command and follow its stdout and stderr.

``cmd:kubectl logs -f deploy/api`` runs ``kubectl`` (no shell; the text is split with
`shlex`) in its own process group, so closing the source ends the whole group (a
``sh -c 'a | b'`` included) and leaves no orphans. Both streams go into one record
stream, each with its own line decoder so a line half-written on one never merges
with the other. ``cmd:api=kubectl logs -f deploy/api`` names the source ``api`` (its tag and
label; messages still quote the command): there is no shell, so a leading ``NAME=`` could
never have been an environment assignment.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import shlex
import signal
from collections.abc import AsyncGenerator

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.errors import AccessDenied, SourceError, SourceNotFound, UsageError
from logtail_tui.core.parse import LineParser
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import Source, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.redact import redact_label
from logtail_tui.sources.stdin import batches

TERM_GRACE = 2.0
"""Seconds between SIGTERM and SIGKILL when the source is closed."""
READ_SIZE = 256 << 10


NO_COMMAND = "No command given after 'cmd:'; write e.g. cmd:journalctl -f."

_ALIAS = re.compile(r"\s*([A-Za-z][\w.-]{0,31})=(?=\S)")


def split_alias(target: str) -> tuple[str | None, str]:
    """``api=kubectl logs`` -> ``("api", "kubectl logs")``; no alias -> ``(None, target)``."""
    m = _ALIAS.match(target)
    return (m.group(1), target[m.end() :]) if m else (None, target)


class CommandSource(Source):
    """Runs ``spec.target`` and follows its output until it exits."""

    description = "run a command and follow its stdout and stderr (cmd:COMMAND ARGS)"

    @classmethod
    def parse_target(cls, scheme: str, rest: str, text: str) -> str:
        """The command line; none at all is a usage error (exit 2) before anything runs."""
        if not split_alias(rest)[1].strip() or rest.rstrip().endswith("="):
            raise UsageError(NO_COMMAND)
        return rest

    @classmethod
    def describe_target(cls, scheme: str, target: str, settings: Settings) -> str:
        """The alias when one was given (``cmd:api=...`` is labelled ``api``)."""
        name, _ = split_alias(target)
        return name if name is not None else super().describe_target(scheme, target, settings)

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        super().__init__(spec, settings)
        name, command = split_alias(spec.target)
        label = spec.label
        if name is not None:
            label = redact_label(f"cmd:{command}", settings.secrets(), settings.token_param)
        self.argv_text = command
        self.command = label[4:] if label.startswith("cmd:") else label
        """The command line for messages, secrets removed."""
        self.parser = LineParser(settings.format, settings.field_map)
        self.process: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []

    def _argv(self) -> list[str]:
        try:
            argv = shlex.split(self.argv_text)
        except ValueError as exc:
            raise SourceError(
                f"Cannot split the command {self.command!r} ({exc}); check its quotes."
            ) from None
        if not argv:
            raise SourceError(NO_COMMAND)
        return argv

    async def _start(self, argv: list[str]) -> asyncio.subprocess.Process:
        try:
            return await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,  # its own process group, so aclose() reaches children
            )
        except FileNotFoundError:
            raise SourceNotFound(
                f"Command not found: {argv[0]}; check it is installed and on PATH."
            ) from None
        except PermissionError:
            raise AccessDenied(
                f"Permission denied running {argv[0]}; check it is an executable file."
            ) from None
        except OSError as exc:
            raise SourceError(
                f"Cannot run {argv[0]} ({exc.strerror}); check the command."
            ) from None

    async def events(self) -> AsyncGenerator[SourceEvent]:
        argv = self._argv()
        proc = self.process = await self._start(argv)
        queue: asyncio.Queue[tuple[int, bytes]] = asyncio.Queue()
        streams = [proc.stdout, proc.stderr]
        self._readers = [
            asyncio.create_task(self._pump(i, stream, queue))
            for i, stream in enumerate(streams)
            if stream is not None
        ]
        decoders = [LineDecoder(self.settings.max_line_length) for _ in streams]
        open_streams = len(self._readers)
        yield StateChanged(State.LIVE, f"running (pid {proc.pid})")
        while open_streams:
            # Take everything that arrived since the last turn: one batch, not one per chunk.
            items = [await queue.get()]
            while not queue.empty():
                items.append(queue.get_nowait())
            lines: list[str] = []
            for index, data in items:
                if data:
                    lines.extend(decoders[index].decode(data))
                else:
                    open_streams -= 1
                    lines.extend(decoders[index].flush())
            for batch in batches(self.parser, lines):
                yield batch
                await asyncio.sleep(0)
        status = await proc.wait()
        if status == 0:
            yield StateChanged(State.COMPLETED, "exited with status 0")
            return
        if status < 0:
            name = signal.Signals(-status).name if -status in signal.valid_signals() else -status
            raise SourceError(f"{self.command} was stopped by signal {name}.")
        raise SourceError(f"{self.command} exited with status {status}.")

    @staticmethod
    async def _pump(
        index: int, stream: asyncio.StreamReader, queue: asyncio.Queue[tuple[int, bytes]]
    ) -> None:
        while data := await stream.read(READ_SIZE):
            queue.put_nowait((index, data))
        queue.put_nowait((index, b""))

    async def aclose(self) -> None:
        proc, self.process = self.process, None  # a second call has nothing left to do
        if proc is not None and proc.returncode is None:
            self._signal(proc.pid, signal.SIGTERM)
            try:
                async with asyncio.timeout(TERM_GRACE):
                    await proc.wait()
            except TimeoutError:
                self._signal(proc.pid, signal.SIGKILL)
                await proc.wait()
        elif proc is not None:
            # The leader is gone but children in its group may still hold the pipes:
            # ask them to stop, and make sure of it after the same grace period.
            self._signal(proc.pid, signal.SIGTERM)
            asyncio.get_running_loop().call_later(
                TERM_GRACE, self._signal, proc.pid, signal.SIGKILL
            )
        for task in self._readers:
            task.cancel()
        if self._readers:
            await asyncio.gather(*self._readers, return_exceptions=True)
        self._readers = []

    @staticmethod
    def _signal(pgid: int, sig: signal.Signals) -> None:
        # The group id is the leader's pid (start_new_session); it may be gone already.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pgid, sig)
