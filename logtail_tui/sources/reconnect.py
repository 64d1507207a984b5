"""The one reconnect driver every network adapter runs on.

An adapter supplies a `Link`: ``connect`` opens one connection and yields its events
(``StateChanged(LIVE)`` once connected, then batches and heartbeats), noting in the
`Ending` it is handed how the connection ended; ``classify`` turns a failure into an
`Ending` when retrying may help and raises a `SourceError` when it cannot. The driver
owns the rest: `Backoff`, the ``CONNECTING``/``LIVE``/``RETRYING``/``COMPLETED``/
``FAILED`` states, ``--retries``, ``--no-follow`` and the resume hook (``connect`` reads
what it needs to continue from its own state, e.g. ``Last-Event-ID`` or the last
timestamp). Status codes and WebSocket close codes are turned into sentences by one
table, `http_status` and `close_code`, shared by every adapter.

See docs/architecture.md ("Network sources") for the states a user sees.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncGenerator, Callable
from dataclasses import dataclass
from enum import Enum
from http import HTTPStatus
from typing import Protocol

from logtail_tui.core.errors import AccessDenied, ProtocolFailure, SourceError, SourceNotFound
from logtail_tui.core.settings import Settings
from logtail_tui.sources.backoff import Backoff
from logtail_tui.sources.contract import SourceEvent, State, StateChanged


class End(Enum):
    """How one connection ended, as far as reconnecting is concerned."""

    DONE = "done"
    """The stream is over (a finished task, a complete document): no reconnect."""
    CLEAN = "clean"
    """Ended normally but more may come (SSE, polling): reconnect after the backoff."""
    NOW = "now"
    """The server asked for an immediate reconnect; the backoff's floor still applies."""
    DROPPED = "dropped"
    """Ended abnormally (transport error, truncated body, 5xx): back off and retry."""


@dataclass
class Ending:
    """Filled in by `Link.connect` (or returned by `Link.classify`).

    Attributes:
        end: What to do next.
        reason: A short phrase for the status bar (``connection refused``).
        final: For `End.DONE`, the final state to report (default: completed).
        wait_at_least: Seconds the server asked us to wait (``Retry-After``, ``retry:``).
        base: Replaces the backoff's base delay from now on (SSE ``retry:``).
    """

    end: End = End.CLEAN
    reason: str = "the server ended the stream"
    final: StateChanged | None = None
    wait_at_least: float | None = None
    base: float | None = None


class Link(Protocol):
    """What a network adapter gives the driver."""

    def connect(self, ending: Ending) -> AsyncGenerator[SourceEvent]:
        """One connection's events; set ``ending`` before returning."""
        ...

    def classify(self, exc: Exception) -> Ending:
        """An `Ending` for a failure retrying may fix; raise `SourceError` otherwise."""
        ...


async def run(
    link: Link, label: str, settings: Settings, backoff: Backoff
) -> AsyncGenerator[SourceEvent]:
    """Connect, stream, and reconnect as the endings and the settings say.

    Args:
        link: The adapter's connect and classify.
        label: The source's display label (no secrets), for sentences.
        settings: ``follow`` (``--no-follow`` never reconnects).
        backoff: The policy; it also counts ``--retries``.

    Raises:
        SourceError: for a permanent failure, or when the retries run out.
    """
    while True:
        yield StateChanged(State.CONNECTING, attempt=backoff.attempt)
        backoff.attempting()
        started = time.monotonic()
        ending = Ending()
        try:
            async for event in link.connect(ending):
                if isinstance(event, StateChanged) and event.state is State.LIVE:
                    backoff.connected()
                yield event
        except (SourceError, asyncio.CancelledError):
            raise
        except Exception as exc:
            ending = link.classify(exc)
        if ending.end is End.DONE:
            yield ending.final or StateChanged(State.COMPLETED, ending.reason)
            return
        if not settings.follow:
            if ending.end is not End.DROPPED:
                yield StateChanged(State.COMPLETED, ending.reason)
                return
            raise SourceError(
                f"Reading {label} failed ({ending.reason}); check the server, "
                "or drop --no-follow to keep retrying."
            )
        delay = _delay(backoff, ending, time.monotonic() - started)
        yield StateChanged(State.RETRYING, ending.reason, round(delay, 3), backoff.attempt)
        await asyncio.sleep(delay)


def _delay(backoff: Backoff, ending: Ending, since_attempt: float) -> float:
    if ending.end is End.NOW:
        backoff.reset()
        return max(0.0, backoff.floor - since_attempt)
    if ending.base is not None:
        backoff.base = ending.base
    delay = backoff.next_delay(ending.reason)  # raises SourceError when out of retries
    if ending.base is not None:
        delay = max(delay, ending.base)
    if ending.wait_at_least is not None:
        delay = max(delay, ending.wait_at_least)
    return delay


# -- one table from status and close codes to sentences ------------------------------------

RETRY_STATUS = frozenset({408, 425, 429})
"""4xx answers that mean "later", retried like 5xx."""


def http_status(
    code: int,
    label: str,
    *,
    token_given: bool,
    wait: Callable[[], float | None] = lambda: None,
    said: str = "",
    auth_hint: str = "",
    advice: str = "check the URL and options",
) -> Ending:
    """The `Ending` for a non-2xx answer (an HTTP response or a WebSocket handshake).

    Args:
        code: The status code.
        label: The source's display label.
        token_given: Whether ``--token`` (or an auth header) was sent, for the 401 hint.
        wait: Reads ``Retry-After`` when the answer is retried.
        said: The server's own explanation (already short and redacted), quoted for
            other 4xx and retried answers.
        auth_hint: Replaces the 401 hint, for adapters with other credentials.
        advice: What to check after another 4xx answer.

    Raises:
        AccessDenied: for 401 and 403.
        SourceNotFound: for 404 and 410.
        SourceError: for other 4xx answers; `ProtocolFailure` for 1xx/3xx.
    """
    phrase = _phrase(code)
    quoted = f"{phrase}: {said}" if said else phrase
    if code >= 500 or code in RETRY_STATUS:
        return Ending(End.DROPPED, quoted, wait_at_least=wait())
    if code == 401:
        hint = auth_hint or (
            "the token was rejected; check --token or LOGTAIL_TOKEN"
            if token_given
            else "give a token with --token or LOGTAIL_TOKEN"
        )
        raise AccessDenied(f"{label} answered 401 (not authenticated): {hint}.")
    if code == 403:
        raise AccessDenied(
            f"{label} answered 403 (not allowed): this token may not read that stream; "
            "use one that can."
        )
    if code == 404:
        raise SourceNotFound(f"{label} answered 404 (not found): check the URL and the id in it.")
    if code == 410:
        raise SourceNotFound(f"{label} answered {phrase}: that stream no longer exists.")
    if 400 <= code < 500:
        raise SourceError(f"{label} answered {quoted.rstrip('.')}; {advice}.")
    raise ProtocolFailure(f"{label} answered {phrase}, which is not a log stream; check the URL.")


def _phrase(code: int) -> str:
    try:
        return f"{code} {HTTPStatus(code).phrase}"
    except ValueError:
        return str(code)


CLOSE_NAMES = {
    1000: "normal closure",
    1001: "going away",
    1002: "protocol error",
    1003: "unsupported data",
    1006: "connection lost",
    1007: "invalid data",
    1008: "policy violation",
    1009: "message too big",
    1010: "extension required",
    1011: "internal error",
    1012: "service restart",
    1013: "try again later",
    1014: "bad gateway",
}
_DENIED_CLOSE = frozenset({1008, 3000, 3003, 4001, 4003, 4401, 4403})
_NOT_FOUND_CLOSE = frozenset({4004, 4404})
_PROTOCOL_CLOSE = frozenset({1002, 1003, 1007, 1009, 1010})
_RETRY_APP_CLOSE = frozenset({4408, 4429})


def describe_close(code: int, reason: str) -> str:
    """``closed 1011 (internal error: boom)``: a status-bar phrase."""
    name = CLOSE_NAMES.get(code, "application code" if code >= 3000 else "")
    inner = ": ".join(p for p in (name, reason) if p)
    return f"closed {code} ({inner})" if inner else f"closed {code}"


def close_code(code: int, reason: str, label: str) -> Ending:
    """The `Ending` for a WebSocket closed by the server with ``code`` and ``reason``.

    1000 ends the stream; 1001 is a clean end (reconnect when following); policy and
    application codes mirroring 401/403/404/4xx fail for good with the server's reason;
    codes saying the two ends cannot understand each other fail as protocol errors;
    everything else is retried.

    Raises:
        AccessDenied, SourceNotFound, ProtocolFailure, SourceError: for permanent codes.
    """
    why = reason or CLOSE_NAMES.get(code, "no reason given")
    said = describe_close(code, reason)
    if code == 1000:
        return Ending(End.DONE, said)
    if code == 1001:
        return Ending(End.CLEAN, said)
    if code in _DENIED_CLOSE:
        raise AccessDenied(
            f"The server closed {label} with code {code} ({why}) and will not stream it to "
            "you; check the URL and your credentials."
        )
    if code in _NOT_FOUND_CLOSE:
        raise SourceNotFound(
            f"The server closed {label} with code {code} ({why}): nothing to follow there; "
            "check the URL."
        )
    if code in _PROTOCOL_CLOSE:
        raise ProtocolFailure(
            f"The WebSocket {label} ended with code {code} ({why}), which retrying cannot fix; "
            "check that the URL serves a log stream."
        )
    if 4400 <= code <= 4499 and code not in _RETRY_APP_CLOSE:
        raise SourceError(
            f"The server closed {label} with code {code} ({why}); check the URL and options."
        )
    return Ending(End.DROPPED, said)
