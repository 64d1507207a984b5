"""Filters and search over chunks: one regex sweep per chunk buffer, hits mapped to lines.

`lines_in(pattern, chunk, i, j)` answers "which lines of this chunk match" the way
``[k for k in range(i, j) if pattern.search(line k)]`` would. A sealed stream chunk knows
where its lines end, so the sweep finds matches over its joined text and places them with a
bisect (`logtail_tui.core.offsets`). Other chunks whose lines sit in one buffer (a file
block's bytes) are swept with the regex, each hit turned into a line number by counting line
feeds since the last hit (``bytes.count`` in C). That is the fast way when hits are rare;
when they turn out to be dense the chunk is asked line by line instead
(`logtail_tui.core.matching.lines_matching`, which has its own tricks for that case).

`select(line_filter, store, lo, hi)` is the view's filter over the store: levels and sources
through ``bytes.translate`` masks, include/exclude through `lines_in`, and the absolute
numbers picked straight from the mask.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Sequence
from functools import lru_cache
from itertools import compress
from typing import TYPE_CHECKING

from logtail_tui.core import native
from logtail_tui.core.automaton import automaton_lines
from logtail_tui.core.chunks import Chunk, FileChunk, TextChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.matching import lines_matching, plan_for
from logtail_tui.core.native import indices, mark
from logtail_tui.core.needles import needle_lines
from logtail_tui.core.offsets import sweep_lines

if TYPE_CHECKING:  # annotations only: the store pulls in the time column (plain mode has none)
    from logtail_tui.core.store import LogStore

_SAMPLES = 48
"""Lines sampled from a chunk to tell dense hits from rare ones."""
_DENSE = 32
"""Give up the sweep once more than one line in this many has matched."""
_SPANS_BUFFER = re.compile(r"\\[AZzn]|\(\?[a-zA-Z]*s|\(\?<?[=!]|\n")
"""What means something else over a whole buffer than over one line: ``\\A``, ``\\Z``,
DOTALL, lookarounds and line feeds (they would see the neighbouring lines)."""


@lru_cache(maxsize=64)
def _sweepers(
    pattern: re.Pattern[str],
) -> tuple[re.Pattern[str], re.Pattern[bytes] | None, bool] | None:
    """(text, bytes, lower-case-first) forms of ``pattern`` for whole buffers, or ``None``."""
    source, flags = pattern.pattern, pattern.flags
    if flags & re.DOTALL or _SPANS_BUFFER.search(source):
        return None
    lower = False
    if flags & re.IGNORECASE:
        lowered = plan_for(pattern).lowered  # sre has no fast scan for IGNORECASE
        if lowered is not None and not lowered.flags & re.IGNORECASE:  # no inline (?i)
            source, flags, lower = lowered.pattern, lowered.flags, True
    text_rx = re.compile(source, flags | re.MULTILINE)
    bytes_rx = None
    if source.isascii():
        bytes_rx = re.compile(source.encode(), (flags & ~(re.UNICODE | re.ASCII)) | re.MULTILINE)
    return text_rx, bytes_rx, lower


def _buffer(chunk: Chunk) -> str | bytes | None:
    """The chunk's lines as one buffer, if it has one at hand (bytes only when ASCII)."""
    if isinstance(chunk, FileChunk):
        data = chunk.raw_bytes()
        # Raw bytes behave like the decoded lines only for clean ASCII without CR.
        if chunk.ascii is None:
            chunk.ascii = data.isascii() and b"\r" not in data
        return data if chunk.ascii else None
    if isinstance(chunk, TextChunk):
        text = chunk.joined_text()
        if text is None:  # spilled: its UTF-8 bytes, which sweep as well when ASCII
            return chunk.spilled_text() if chunk.ascii else None
        return text
    return None


def lines_in(pattern: re.Pattern[str], chunk: Chunk, i: int, j: int) -> list[int]:
    """Indices ``k`` in ``i .. j-1`` of the chunk's lines that ``pattern`` matches."""
    if i >= j:
        return []
    forms = _sweepers(pattern)
    buffer = _buffer(chunk) if forms is not None and j - i > 256 else None
    ends = chunk.line_ends() if isinstance(chunk, TextChunk) else None
    if buffer is not None and forms is not None:
        lo, hi = (
            (ends[i - 1] if i else 0, ends[j - 1] - 1) if ends is not None else (0, len(buffer))
        )
        found = automaton_lines(pattern, buffer, lo, hi)
        if found is not None and ends is not None:
            return list(map(i.__add__, found))
        if found is not None:
            return found[bisect_left(found, i) : bisect_left(found, j)]
    if buffer is not None and forms is not None and ends is not None:
        rx = forms[1] if isinstance(buffer, bytes) else forms[0]
        if rx is not None:
            hits = sweep_lines(pattern, rx, forms[2], buffer, ends, i, j)
            if hits is not None:
                return hits
    if buffer is not None and forms is not None:
        hits = needle_lines(pattern, buffer, chunk.n)
        if hits is not None:
            return hits[bisect_left(hits, i) : bisect_left(hits, j)]
        text_rx, bytes_rx, lower = forms
        rx = bytes_rx if isinstance(buffer, bytes) else text_rx
        # The lower-case twin is exact on ASCII only (``ſ`` matches ``s`` when ignoring
        # case, yet lower() keeps it): other text is asked line by line, by the real regex.
        if lower and isinstance(buffer, str) and not buffer.isascii():
            rx = None
        if rx is not None:
            haystack = buffer.lower() if lower else buffer
            hits = None if _dense(rx, haystack) else _sweep(rx, haystack, chunk.n)
            if hits is None:
                # Dense: ask each line, with the per-line tricks (a needle tested with
                # ``in`` before the regex); an ASCII buffer decodes at memory speed.
                text = buffer.decode("ascii") if isinstance(buffer, bytes) else buffer
                lines = text.split("\n")[i:j]
                return [i + k for k in lines_matching(pattern, lines)]
            return hits[bisect_left(hits, i) : bisect_left(hits, j)]
    return [i + k for k in lines_matching(pattern, chunk.texts(i, j))]


def _dense(rx: re.Pattern, buffer: str | bytes) -> bool:  # type: ignore[type-arg]
    """Whether any of a few lines spread over ``buffer`` matches (then hits are not rare and
    a sweep would cost more than asking every line)."""
    nl = b"\n" if isinstance(buffer, bytes) else "\n"
    size = len(buffer)
    for k in range(1, _SAMPLES + 1):
        pos = size * k // (_SAMPLES + 1)
        begin = buffer.rfind(nl, 0, pos) + 1  # type: ignore[arg-type]
        end = buffer.find(nl, pos)  # type: ignore[arg-type]
        if rx.search(buffer, begin, end if end >= 0 else size):
            return True
    return False


def _sweep(rx: re.Pattern, buffer: str | bytes, n: int) -> list[int] | None:  # type: ignore[type-arg]
    """Lines of ``buffer`` (``n`` lines joined by line feeds) where ``rx`` matches within the
    line; ``None`` once hits are too dense for this to pay."""
    nl = b"\n" if isinstance(buffer, bytes) else "\n"
    search, find, count = rx.search, buffer.find, buffer.count
    budget = n // _DENSE + 64
    hits: list[int] = []
    line = pos = 0
    while True:
        m = search(buffer, pos)
        if m is None:
            return hits
        start = m.start()
        line += count(nl, pos, start)
        begin = max(buffer.rfind(nl, pos, start) + 1, pos)
        end = find(nl, start)
        if end < 0:
            end = len(buffer)
        # A match that ran past the line's end (``\s`` eats a line feed) counts only if the
        # line matches on its own.
        if m.end() <= end or search(buffer, begin, end) is not None:
            hits.append(line)
            if len(hits) > budget:
                return None
        if end >= len(buffer):
            return hits
        line += 1
        pos = end + 1


def select(line_filter: LineFilter, store: LogStore, lo: int, hi: int) -> array[int]:
    """Absolute numbers of the kept lines ``lo .. hi-1`` that ``line_filter`` passes."""
    out: array[int] = array("q")
    for chunk, i, j in store.pieces(lo, hi):
        if line_filter.where is not None:
            out.extend(numbered(select_in_chunk(line_filter, chunk, i, j), chunk.start, i, j))
            continue
        picked, keep = _select_text_and_levels(line_filter, chunk, i, j)
        if keep is None:
            out.extend(numbered(picked, chunk.start, i, j))
        else:  # the kept lines' numbers straight from the mask, in C when it can
            out.extend(indices(keep, chunk.start + i))
    return out


def numbered(picked: Sequence[int], start: int, i: int, j: int) -> Sequence[int]:
    """``start + k`` for each chunk index ``k`` of ``picked`` (ascending, in ``i .. j-1``).

    Many picks go through a mask read back in C: adding the chunk's start to each in Python
    took a fifth of a regex re-filter over 1M lines.
    """
    if isinstance(picked, range):
        return range(start + picked.start, start + picked.stop)
    if len(picked) < 64:
        return [start + k for k in picked]
    keep = bytearray(j - i)
    mark(keep, picked, -i, 1)
    return indices(keep, start + i)


def select_in_chunk(line_filter: LineFilter, chunk: Chunk, i: int, j: int) -> Sequence[int]:
    """Chunk indices in ``i .. j-1`` that ``line_filter`` passes, ascending."""
    picked, keep = _select_text_and_levels(line_filter, chunk, i, j)
    if keep is not None:
        picked = list(compress(range(i, j), keep))
    if line_filter.where is None or not picked:
        return picked
    from logtail_tui.core.where_scan import where_in_chunk  # -w only: 30 ms of every start

    return where_in_chunk(line_filter.where, chunk, picked)


def keep_in_chunk(line_filter: LineFilter, chunk: Chunk) -> bytes | bytearray | None:
    """A 0/1 byte for each line of ``chunk``: whether ``line_filter`` passes it (``None``:
    all pass). Plain mode picks a file block's lines with it in C (`native.pick_lines`)."""
    if line_filter.where is not None:
        return keep_of(select_in_chunk(line_filter, chunk, 0, chunk.n), chunk.n)
    picked, keep = _select_text_and_levels(line_filter, chunk, 0, chunk.n)
    if keep is not None:
        return keep
    return None if picked == range(chunk.n) else keep_of(picked, chunk.n)


def keep_of(rows: Sequence[int], n: int) -> bytearray:
    """``rows`` (indices below ``n``) as a 0/1 byte for each of ``0 .. n-1``."""
    keep = bytearray(n)
    mark(keep, rows, 0, 1)
    return keep


def _select_text_and_levels(
    line_filter: LineFilter, chunk: Chunk, i: int, j: int
) -> tuple[Sequence[int], bytes | bytearray | None]:
    """The chunk indices that pass, or ``(_, mask)``: a 0/1 byte for each of ``i .. j-1``."""
    mask = _mask(line_filter, chunk, i, j)
    if mask is not None and 1 not in mask:
        return [], None
    if not line_filter.include and not line_filter.exclude:
        return (range(i, j), None) if mask is None else ((), mask)
    if mask is not None and mask.count(1) * 4 < j - i:
        # Few lines pass the levels and sources: ask just those.
        found = _literals_in_masked(line_filter, chunk, i, mask)
        if found is not None:
            return (), found
        picked = list(compress(range(i, j), mask))
        return line_filter._select_text(texts_of(chunk, picked), picked), None
    if mask is None and not line_filter.exclude and len(line_filter.include) == 1:
        return lines_in(line_filter.include[0], chunk, i, j), None
    keep = bytearray(mask) if mask is not None else bytearray(b"\x01") * (j - i)
    if line_filter.include:
        found = [lines_in(p, chunk, i, j) for p in line_filter.include]
        hits = found[0] if len(found) == 1 else sorted(set().union(*found))
        wanted = bytearray(j - i)
        mark(wanted, hits, -i, 1)
        both = int.from_bytes(keep, "little") & int.from_bytes(wanted, "little")
        keep = bytearray(both.to_bytes(j - i, "little"))
    source: Literals | None = None
    for pattern in line_filter.exclude:
        if 1 not in keep:
            break
        # Few lines left (an include passed them): read just those for a literal exclude.
        if _literal(pattern) and keep.count(1) * 4 < j - i:
            source = source or _literal_source(chunk)
            if source is not None:
                _mark_literal(pattern, source, i, keep, keep, 0)
                continue
        mark(keep, lines_in(pattern, chunk, i, j), -i, 0)
    return (), keep


# A sealed chunk's buffer and line ends, for the C helper to read chosen lines of.
Literals = tuple[str | bytes, Sequence[int]]


def _literal_source(chunk: Chunk) -> Literals | None:
    if not native.ENABLED or not isinstance(chunk, TextChunk):
        return None
    ends, buffer = chunk.line_ends(), _buffer(chunk)
    if ends is None or buffer is None or (isinstance(buffer, str) and not buffer.isascii()):
        return None
    return buffer, ends


def _literal(pattern: re.Pattern[str]) -> bool:
    plan = plan_for(pattern)
    return plan.exact and bool(plan.needles)


def _mark_literal(
    pattern: re.Pattern[str],
    source: Literals,
    i: int,
    keep: bytes | bytearray,
    out: bytearray,
    value: int,
) -> None:
    """``out[k] = value`` for the lines ``i + k`` of ``keep`` that ``pattern`` (a `_literal`)
    matches; only those lines are read."""
    buffer, ends = source
    plan = plan_for(pattern)  # a case-blind plan's needles are lower case
    for needle in plan.needles:
        word = needle.encode() if isinstance(buffer, bytes) else needle
        native.mark_needle_lines(buffer, word, ends, i, keep, out, value, plan.fold)


def _literals_in_masked(
    line_filter: LineFilter, chunk: Chunk, i: int, mask: bytes | bytearray
) -> bytearray | None:
    """The 0/1 mask of the lines of ``mask`` (from ``i``) that also pass include and
    exclude, when these are all literals the C helper looks for in just those lines of a
    sealed chunk; else ``None``."""
    patterns = (*line_filter.include, *line_filter.exclude)
    if not all(_literal(p) for p in patterns):
        return None
    source = _literal_source(chunk)
    if source is None:
        return None
    keep = bytearray(mask)
    if line_filter.include:
        wanted = bytearray(len(mask))  # only lines of ``keep`` are marked
        for pattern in line_filter.include:
            _mark_literal(pattern, source, i, keep, wanted, 1)
        keep = wanted
    for pattern in line_filter.exclude:
        _mark_literal(pattern, source, i, keep, keep, 0)
    return keep


def texts_of(chunk: Chunk, picked: list[int]) -> list[str]:
    """The texts of lines ``picked`` (ascending chunk indices). A sealed stream
    chunk's are cut out of its buffer at its line ends: one string a line asked for, none
    for the others (splitting the chunk would make one for each)."""
    if not picked:
        return []
    ends = chunk.line_ends() if isinstance(chunk, TextChunk) else None
    buffer = _buffer(chunk) if ends is not None else None
    if isinstance(buffer, bytes):
        buffer = buffer.decode("ascii")  # _buffer gives spilled bytes only when ASCII
    if buffer is None or ends is None:
        texts = chunk.texts(picked[0], picked[-1] + 1)
        return [texts[k - picked[0]] for k in picked]
    seq = ends.tolist() if len(picked) * 32 > len(ends) else ends
    begins = list(map(seq.__getitem__, map((-1).__add__, picked)))
    if picked[0] == 0:
        begins[0] = 0  # ``seq[-1]`` is the last line's end
    stops = map((-1).__add__, map(seq.__getitem__, picked))
    return list(map(buffer.__getitem__, map(slice, begins, stops)))


def _mask(line_filter: LineFilter, chunk: Chunk, i: int, j: int) -> bytes | None:
    """1 for lines whose level and source pass, 0 otherwise; ``None`` when all pass."""
    mask: bytes | None = None
    table = line_filter.level_table()
    if table is not None:
        mask = bytes(chunk.levels[i:j]).translate(table)
    if line_filter.sources:
        column = chunk.source_column()
        if column is None:
            if chunk.source not in line_filter.sources:
                return bytes(j - i)
        else:
            shown = bytes(1 if v in line_filter.sources else 0 for v in range(256))
            by_source = bytes(column[i:j]).translate(shown)
            if mask is None:
                mask = by_source
            else:
                both = int.from_bytes(mask, "little") & int.from_bytes(by_source, "little")
                mask = both.to_bytes(j - i, "little")
    return mask


def search_numbers(pattern: re.Pattern[str], store: LogStore, numbers: Sequence[int]) -> list[int]:
    """The absolute ``numbers`` (ascending, kept in the store) whose lines ``pattern`` matches."""
    if not numbers:
        return []
    if isinstance(numbers, range):
        out: list[int] = []
        for chunk, i, j in store.pieces(numbers.start, numbers.stop):
            out.extend(numbered(lines_in(pattern, chunk, i, j), chunk.start, i, j))
        return out
    found: list[int] = []
    for chunk, i, j in store.pieces(numbers[0], numbers[-1] + 1):
        base = chunk.start
        a, b = bisect_left(numbers, base + i), bisect_left(numbers, base + j)
        if a >= b:
            continue
        wanted = numbers[a:b]
        if (b - a) * 8 < j - i:
            # A sparse filtered view: ask just its lines.
            lines = texts_of(chunk, list(map((-base).__add__, wanted)))
            found.extend(map(wanted.__getitem__, lines_matching(pattern, lines)))
            continue
        hits = set(numbered(lines_in(pattern, chunk, i, j), base, i, j))
        found.extend(compress(wanted, map(hits.__contains__, wanted)))
    return found
