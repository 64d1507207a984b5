"""The split lines of the few chunks being looked at (docs/architecture.md, "Scrollback")."""

from __future__ import annotations

from collections import OrderedDict
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from logtail_tui.core.chunks import Chunk


class LineCache:
    """The readable columns of the few chunks being looked at (a small LRU of chunks: a screen
    spans one or two): `Lines` over a sealed chunk's text, windows of a file chunk."""

    def __init__(self, capacity: int = 3) -> None:
        self.capacity = capacity
        self._items: OrderedDict[int, tuple[Any, ...]] = OrderedDict()

    def get(self, chunk: Chunk) -> tuple[Any, ...]:
        key = id(chunk)
        cols = self._items.get(key)
        if cols is not None and cols[0] is chunk:
            self._items.move_to_end(key)
            return cols[1:]
        loaded = chunk.load()
        self._items[key] = (chunk, *loaded)
        while len(self._items) > self.capacity:
            self._items.popitem(last=False)
        return loaded

    @property
    def held_bytes(self) -> int:
        """Bytes of line buffers the cached columns hold (file chunks' windows)."""
        return sum(getattr(col, "nbytes", 0) for cols in self._items.values() for col in cols[1:])

    def forget(self, chunk: Chunk) -> None:
        self._items.pop(id(chunk), None)

    def clear(self) -> None:
        self._items.clear()
