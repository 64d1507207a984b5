"""Where sealed stream chunks go when memory is full: a private temporary file.

The file is created already unlinked (``tempfile.TemporaryFile``), so nobody else can open
it and it disappears with the process, however that ends. It is written in segments: a
segment's disk space is freed when the last chunk in it is evicted.
"""

from __future__ import annotations

import os


class SpillFile:
    """A private, already unlinked temporary file that sealed chunks move to.

    Segments are closed (and their disk space freed) when the last chunk in them goes.
    """

    SEGMENT_BYTES = 256 << 20

    def __init__(self, directory: str | None = None) -> None:
        import tempfile  # only once memory is full: plain runs never pay for it (random, hashlib)

        self._file = tempfile.TemporaryFile(dir=directory)  # noqa: SIM115 - lives with its chunks
        self.size = 0
        self.users = 0

    @property
    def full(self) -> bool:
        return self.size >= self.SEGMENT_BYTES

    def write(self, data: bytes) -> int:
        offset = self.size
        os.pwrite(self._file.fileno(), data, offset)
        self.size += len(data)
        self.users += 1
        return offset

    def read(self, offset: int, length: int) -> bytes:
        return os.pread(self._file.fileno(), length, offset)

    def release(self) -> None:
        self.users -= 1
        if self.users <= 0 and self.full:
            self._file.close()
