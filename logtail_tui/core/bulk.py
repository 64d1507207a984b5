"""Per-chunk work: the level column and record starts of a block of raw lines.

A block is whole lines of raw bytes joined by ``\\n`` (as read from a file). Nothing here makes
a Python object per line on the common path (docs/architecture.md, "Scrollback"):

* `LevelIndexer` learns, from the first lines of a source, at which token its lines keep an
  upper-case level word (``DATE LEVEL msg``: token 1). For each block it then reads, at that
  token of every line, the first letter of a whole level word and maps it to its level
  (`native.LevelScan`: the C helper with ``memchr``, or one ``findall`` whose pattern matches at
  every line start, capturing one-byte ``bytes`` that CPython caches). Words whose letter two
  levels share are left to the full detector.
* Lines the fast path gives no level (stack traces, other formats) are looked at one by one
  with the full detector, then the record rule of `records.Grouper` (continuation lines take
  their record's level and the block gets its record boundaries); well-formed logs have few.
* Blocks with JSON or logfmt lines, or a source whose position was never learnt, take the
  exact path: decode, split and `LineParser`, exactly as streamed lines are parsed.
"""

from __future__ import annotations

import re
from functools import cache

from logtail_tui.core.levels import TEXT_WORDS, LevelDetector, text_level
from logtail_tui.core.native import LevelScan
from logtail_tui.core.parse import LineParser
from logtail_tui.core.records import CONTINUATION, Grouper

LEARN_LINES = 2000
"""Lines of the first block used to learn where the level sits."""

_STRUCTURED_LINE = re.compile(r"[ \t]*(?:\d{4}-\d\d-\d\dT\S+ )?(?:\{|[A-Za-z_][\w.\-/@]*=)")
"""A line that may be JSON or logfmt (then the exact path decides). Such lines never show
a bare level word at a token, so only lines the fast path left without a level are asked."""


_AMBIGUOUS = {"success", "severe", "emerg"}
"""Level words whose first letter another level shares; the full detector reads them."""


@cache
def _fast_words(bracketed: bool) -> dict[str, int]:
    words = {w: int(lv) for w, lv in TEXT_WORDS.items() if w not in _AMBIGUOUS}
    variants = {v: lv for w, lv in words.items() for v in (w.upper(), w.title(), w)}
    return variants if bracketed else {w.upper(): lv for w, lv in words.items()}


@cache
def _letter_bytes(bracketed: bool) -> bytes:
    """A ``bytes.translate`` table from a fast word's first letter to its level (else 0)."""
    table = bytearray(256)
    for word, level in _fast_words(bracketed).items():
        letter = word.encode()[0]
        assert table[letter] in (0, level), word  # one level per letter
        table[letter] = level
    return bytes(table)


@cache
def _scan(index: int, bracketed: bool, column: int | None = None) -> LevelScan:
    """Reads the level word's first letter at token ``index`` (or at byte ``column``, a
    third faster on the regex path) of every line."""
    words = [w.encode() for w in _fast_words(bracketed)]
    return LevelScan(
        index if column is None else None, column or 0, bracketed, words, _letter_bytes(bracketed)
    )


Learned = tuple[bool, "tuple[int, bool] | None", "int | None"]
"""What a `LevelIndexer` learnt of a source: whether it looked, the level's token, its column."""


class LevelIndexer:
    """Builds level columns for consecutive blocks of one source's raw lines.

    Args:
        fmt: The source's ``--format``; anything but ``text`` lets JSON/logfmt lines exist.
        field_map: As for `LineParser`.
    """

    def __init__(self, fmt: str = "auto", field_map: dict[str, str] | None = None) -> None:
        self.fmt = fmt
        self.field_map = field_map or {}
        self._position: tuple[int, bool] | None = None
        self._column: int | None = None
        """Byte column of the level word when every learnt line had it there (fixed-width
        time stamps); cleared when a block disagrees."""
        self._learnt = False
        self.exact_blocks = 0
        """Blocks that took the exact path (for tests and benchmarks)."""

    def learned(self) -> Learned:
        """What it learnt, for another indexer of the same source (a worker process)."""
        return self._learnt, self._position, self._column

    def adopt(self, learned: Learned) -> None:
        self._learnt, self._position, self._column = learned

    def levels(
        self, blob: bytes, n: int, previous: int = 0, start: int = 0, end: int | None = None
    ) -> tuple[bytearray, int]:
        """The level column of ``blob[start:end]``; see `index` (``previous``: the level of
        the line before the block)."""
        levels, _, orphans = self.index(blob, n, Grouper(previous), start, end)
        return levels, orphans

    def index(
        self,
        blob: bytes,
        n: int | None,
        grouper: Grouper,
        start: int = 0,
        end: int | None = None,
    ) -> tuple[bytearray, bytearray | None, int]:
        """The level column and record boundaries of ``blob[start:end]`` (``n`` lines).

        Args:
            blob: The lines, without a final line feed; or a bigger buffer holding them at
                ``start .. end``, with a line feed just before ``start`` (so no copy is made).
            n: How many lines there are (``count(b"\\n") + 1``); ``None``: not counted yet
                (the fast path finds one match a line).
            grouper: Record state carried from the block before (a fresh one for a block
                indexed before its predecessor); updated for the block after.
            start, end: Where the lines are in ``blob``.

        Returns:
            The level column, the record start flags (``None``: every line starts a
            record), and how many leading lines look like continuations but had no level
            before them to inherit (a block indexed before its predecessor: the store fixes
            them when the predecessor arrives).
        """
        end = len(blob) if end is None else end
        if not self._learnt:
            self._learn(blob[start : start + 256 * LEARN_LINES])
        fast = self._fast(blob, n, start, end) if self._position is not None else None
        if fast is not None:
            filled = self._fill_gaps(blob, start, end, fast, grouper)
            if filled is not None:
                return filled
        self.exact_blocks += 1
        return self._exact(blob[start:end], grouper)

    def _learn(self, blob: bytes) -> None:
        self._learnt = True
        head = blob[: 256 * LEARN_LINES].decode("utf-8", "replace").split("\n")[:LEARN_LINES]
        structured = "" if self.fmt == "text" else self.fmt
        self._position = LevelDetector(structured).learn_position(head)
        if self._position is not None:
            self._column = _common_column(head, *self._position)

    def _fast(self, blob: bytes, n: int | None, start: int, end: int) -> bytearray | None:
        assert self._position is not None
        levels = _scan(*self._position, self._column).letters(blob, start, end)
        if n is not None and len(levels) != n:
            return None  # cannot happen (one level a line feed); be safe
        if self._column is not None and levels.count(0) * 4 > len(levels):
            self._column = None  # the column was a coincidence: go by tokens
            return self._fast(blob, n, start, end)
        return levels

    def _fill_gaps(
        self, blob: bytes, start: int, end: int, levels: bytearray, grouper: Grouper
    ) -> tuple[bytearray, bytearray | None, int] | None:
        """Level-less lines of ``blob[start:end]``: the full detector, then the record rule;
        ``None`` when a line may be JSON or logfmt (the block then takes the exact path)."""
        previous = grouper.level
        if 0 not in levels:
            grouper.level, grouper.lines, grouper.size = levels[-1], 1, 0  # all start records
            return levels, None, 0
        # Only blocks with level-less lines pay for these copies (a block is megabytes).
        lines = blob[start:end].split(b"\n")
        structured = None if self.fmt == "text" else _STRUCTURED_LINE.match
        decoded: dict[int, str] = {}  # the record rule reads these again: decode once
        i = levels.find(0)
        while i >= 0:
            text = decoded[i] = lines[i].decode("utf-8", "replace")
            if structured is not None and structured(text):
                return None
            levels[i] = text_level(text)
            i = levels.find(0, i + 1)
        starts = grouper.group(decoded, levels)
        return levels, starts, _orphans(levels, lines, previous)

    def _exact(self, blob: bytes, grouper: Grouper) -> tuple[bytearray, bytearray | None, int]:
        text = blob.decode("utf-8", "replace")
        if "\r" in text:
            text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        parser = LineParser(self.fmt, self.field_map)
        parser.grouper = grouper
        previous = grouper.level
        batch = parser.parse(lines)
        levels = bytearray(max(0, v) for v in batch.levels)
        return levels, batch.starts, _orphans(levels, lines, previous)


def _common_column(lines: list[str], index: int, bracketed: bool) -> int | None:
    """The byte column of the level word if all ``lines`` showing one have it there."""
    text = "\n".join(lines)
    if not text.isascii():
        return None
    # One sweep: the pattern matches at each line feed and never past the next one.
    matches = _scan(index, bracketed).pattern().finditer(b"\n" + text.encode())
    columns = {m.start(1) - m.start() - 1 - bracketed for m in matches if m.group(1)}
    return columns.pop() if len(columns) == 1 else None


def _orphans(levels: bytearray, lines: list[bytes] | list[str], previous: int) -> int:
    """Leading level-less lines that look like continuations of a line not yet seen."""
    if previous:
        return 0
    count = 0
    cont = CONTINUATION.match
    while count < len(levels) and not levels[count]:
        line = lines[count]
        if not cont(line.decode("utf-8", "replace") if isinstance(line, bytes) else line):
            break
        count += 1
    return count
