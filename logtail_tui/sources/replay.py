"""Skipping what a re-fetched HTTP body repeats, so no line is shown twice.

When a line stream (NDJSON, text) is cut off (transport error, truncated chunked body)
and fetched again without a resume parameter, a server that serves a document sends it
from the start. `BodyReplay` remembers the length and a digest of the body received so
far; when the next body starts with exactly those bytes they are dropped and the line
cut in half by the drop continues where it stopped. A body that starts differently is a
new stream and is shown whole. Only the first `CHECK_MAX` bytes are held for the check.
"""

from __future__ import annotations

import hashlib

CHECK_MAX = 16 << 20
"""Longest earlier body compared; beyond it a re-fetched body is shown whole."""


class BodyReplay:
    """Call `start` for each response, pass its chunks through `feed`, then `finish`."""

    def __init__(self) -> None:
        self._len = 0
        self._hash = hashlib.blake2b(digest_size=16)
        self._expect_len = 0
        self._expect = b""
        self._held: list[bytes] = []
        self._held_len = 0

    def start(self) -> None:
        """A new response: compare its start with the body received so far."""
        self._expect_len = self._len if self._len <= CHECK_MAX else 0
        self._expect = self._hash.digest()
        self._len = 0
        self._hash = hashlib.blake2b(digest_size=16)
        self._held, self._held_len = [], 0

    def forget(self) -> None:
        """The next response continues the stream (a resume parameter): compare nothing."""
        self._len = 0
        self._hash = hashlib.blake2b(digest_size=16)

    def feed(self, chunk: bytes) -> tuple[bytes, bool]:
        """The part of ``chunk`` to show, and whether the body turned out to be a new one
        (the caller then ends any line left half-read by the previous response)."""
        self._len += len(chunk)
        self._hash.update(chunk)
        if not self._expect_len:
            return chunk, False
        self._held.append(chunk)
        self._held_len += len(chunk)
        if self._held_len < self._expect_len:
            return b"", False
        return self._decide()

    def finish(self) -> tuple[bytes, bool]:
        """At the end of a response: bytes still held (a body shorter than the last)."""
        if not self._expect_len:
            return b"", False
        return self._decide()

    def _decide(self) -> tuple[bytes, bool]:
        data = b"".join(self._held)
        n, self._expect_len = self._expect_len, 0
        self._held, self._held_len = [], 0
        if len(data) >= n and hashlib.blake2b(data[:n], digest_size=16).digest() == self._expect:
            return data[n:], False
        return data, True
