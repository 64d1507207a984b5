"""What happens to every event a source yields, with or without an event loop.

The `Relay` turns a source's failure into a one-sentence ``FAILED`` state, keeps secrets out
of details and records, remembers each source's last state and hands events to one consumer.
`hub.Hub` runs sources as asyncio tasks on top of it; plain mode's direct read of one file
(`Relay.drive`) runs without asyncio, whose import alone costs 30-40 ms of each start.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Sequence

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.errors import LogtailError
from logtail_tui.core.file_backing import masked
from logtail_tui.core.record import Batch
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import Heartbeat, SourceEvent, SourceSpec, State, StateChanged
from logtail_tui.sources.redact import redact, shorten

Sink = Callable[[int, SourceEvent], None]
"""Called with ``(source index, event)`` (on the event loop, if any); must not block for long."""

DETAIL_MAX = 300
"""Characters of a state detail kept for the status bar and error messages."""


class Stopped(Exception):
    """`Relay.stop` ended `Relay.drive` (a signal, or the reader of the output went away)."""


class Relay:
    """Hands the events of ``specs`` to ``sink``: redacted, states kept, failures one sentence.

    Args:
        specs: What is followed, in display order (the index is the record's ``source``).
        settings: Shared settings (each spec may bring its own).
        sink: Receives every event, including the final ``StateChanged`` of each source.
    """

    def __init__(self, specs: Sequence[SourceSpec], settings: Settings, sink: Sink) -> None:
        self.specs = list(specs)
        self.settings = settings
        self.sink = sink
        self.states: list[StateChanged] = [StateChanged(State.CONNECTING) for _ in self.specs]
        self.last_heard: list[float | None] = [None] * len(self.specs)
        self._secrets = [
            (spec.settings or settings).secrets() + spec.secrets for spec in self.specs
        ]
        self.stopped = False

    def emit(self, index: int, event: SourceEvent) -> None:
        secrets = self._secrets[index]
        if isinstance(event, StateChanged):
            if event.detail:
                # Details often quote the peer (reasons, error texts): make them inert,
                # short and secret-free here, once, for every adapter and every consumer.
                event = dataclasses.replace(event, detail=_safe_detail(event.detail, secrets))
            self.states[index] = event
        elif isinstance(event, Heartbeat):
            self.last_heard[index] = event.at
        elif secrets and isinstance(event, Batch):
            scrub(event, secrets)
        elif secrets and isinstance(event, FileChunk):
            hide(event, secrets)
        self.sink(index, event)

    def deliver(self, index: int, event: SourceEvent) -> None:
        """`emit` an event the source yielded; the consumer's errors are told apart."""
        try:
            self.emit(index, event)
        except Exception as exc:  # the consumer's fault, not the adapter's
            raise _ConsumerError(exc) from exc

    @staticmethod
    def failure(spec: SourceSpec, exc: Exception) -> StateChanged:
        """The ``FAILED`` state for what reading ``spec`` (or showing its lines) raised."""
        if isinstance(exc, _ConsumerError):
            _debug("consumer failed on %s", spec.label)
            return StateChanged(State.FAILED, f"logtail could not show its lines ({exc})")
        if isinstance(exc, LogtailError):
            return StateChanged(State.FAILED, str(exc))
        _debug("source %s crashed", spec.label)
        return StateChanged(
            State.FAILED,
            f"the {spec.scheme} adapter failed unexpectedly ({type(exc).__name__}: {exc})",
        )

    def drive(self, index: int, events: Iterable[SourceEvent]) -> None:
        """Relay a source's events read without an event loop, then its final state.

        Raises:
            Stopped: when `stop` was called; no final state is emitted then.
        """
        final: StateChanged | None = None
        try:
            for event in events:
                if isinstance(event, StateChanged) and event.state.final:
                    final = event
                    break
                self.deliver(index, event)
                if self.stopped:
                    raise Stopped
        except Stopped:
            raise
        except Exception as exc:
            final = self.failure(self.specs[index], exc)
        self.emit(index, final or StateChanged(State.COMPLETED))

    def stop(self) -> None:
        """End `drive` after the event being relayed (safe from a signal handler)."""
        self.stopped = True

    @property
    def failed(self) -> bool:
        return any(s.state is State.FAILED for s in self.states)


class _ConsumerError(Exception):
    """Wraps an error raised by the sink so it is not mistaken for the adapter's."""


def _debug(message: str, label: str) -> None:
    """Log the traceback being handled, for debugging only; logging loads only on a failure."""
    import logging

    log = logging.getLogger("logtail_tui.sources.hub")
    if not log.handlers:
        log.addHandler(logging.NullHandler())  # no stray tracebacks on the user's terminal
    log.debug(message, label, exc_info=True)


def _safe_detail(detail: str, secrets: tuple[str, ...]) -> str:
    return shorten(redact(detail, secrets), DETAIL_MAX)


def scrub(batch: Batch, secrets: tuple[str, ...]) -> None:
    """Hide secrets a peer echoed back (a token in an error message...) in place."""
    for column in (batch.texts, batch.raws, batch.times):
        if not column or not any(s in "\n".join(filter(None, column)) for s in secrets):
            continue
        for i, text in enumerate(column):
            if text and any(secret in text for secret in secrets):
                for secret in sorted(secrets, key=len, reverse=True):  # one may hold another
                    text = text.replace(secret, "***")
                column[i] = text


def hide(chunk: FileChunk, secrets: tuple[str, ...]) -> None:
    """Hide secrets in a file chunk's lines, kept as bytes and read back when shown."""
    hidden = tuple(secret.encode() for secret in secrets)
    if chunk.blob is not None:
        chunk.blob = masked(chunk.blob, hidden)
    if chunk.backing is not None:
        chunk.backing.hidden = hidden
