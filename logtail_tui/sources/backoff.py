"""One reconnect policy for every network source.

Exponential backoff with full jitter, 1 s doubling to a 30 s cap. The delay resets only
after a connection that stayed up for ``stable_after`` seconds, and there is a floor
between attempts, so a server that accepts and drops at once is retried at most about
once a second (websockets' own loop would spin >1000 times a second).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from logtail_tui.core.errors import SourceError


@dataclass
class Backoff:
    """Tracks attempts and says how long to wait before the next one.

    `reconnect.run` drives it: ``attempting()`` as each attempt starts, ``connected()``
    when the connection is live, ``next_delay(reason)`` after it ends (raises
    `SourceError` when out of retries). Network adapters pass one to the driver.
    """

    base: float = 1.0
    cap: float = 30.0
    floor: float = 1.0
    """Never reconnect sooner than this after the previous attempt started."""
    stable_after: float = 5.0
    """A connection up this long counts as healthy and resets the backoff."""
    retries: int | None = None
    """Failed attempts in a row allowed before giving up; ``None`` for ever."""
    clock: Callable[[], float] = time.monotonic
    rng: random.Random = field(default_factory=random.Random)
    attempt: int = 0
    """Failed attempts in a row so far."""
    _connected_at: float | None = None
    _attempt_started: float | None = None

    def attempting(self) -> None:
        """Call as each connection attempt starts."""
        self._attempt_started = self.clock()

    def connected(self) -> None:
        """Call when a connection is established (handshake done, first byte of body)."""
        self._connected_at = self.clock()

    def next_delay(self, reason: str = "") -> float:
        """Seconds to wait before reconnecting after a drop or failure.

        Raises:
            SourceError: when ``retries`` failed attempts in a row have been made.
        """
        now = self.clock()
        if self._connected_at is not None and now - self._connected_at >= self.stable_after:
            self.attempt = 0
        self._connected_at = None
        self.attempt += 1
        if self.retries is not None and self.attempt > self.retries:
            tail = f" (last error: {reason})" if reason else ""
            raise SourceError(
                f"Gave up after {self.retries} retries{tail}; raise --retries or check the server."
            )
        ceiling = min(self.cap, self.base * 2 ** (self.attempt - 1))
        # Full jitter spreads reconnect storms; the floor keeps any single client polite.
        delay = max(self.floor * 0.5, self.rng.uniform(ceiling / 2, ceiling))
        if self._attempt_started is not None:
            since = now - self._attempt_started
            delay = max(delay, self.floor - since)
        return max(0.0, delay)

    def reset(self) -> None:
        self.attempt = 0
        self._connected_at = None
