"""Sweeps of sealed stream chunks by match offsets and line ends (`core/offsets.py`, reached
through `lines_in`, `texts_of` and `select`) against the plain per-line definition: in memory
and spilled, whole and in sub-ranges, case-blind and not, and the cases that must fall back."""

from __future__ import annotations

import random
import re
import zlib
from pathlib import Path

import pytest

from logtail_tui.core.chunks import TextChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.offsets import sweep_lines
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.scan import _sweepers, lines_in, select, select_in_chunk, texts_of
from logtail_tui.core.search import SearchIndex, SearchQuery
from logtail_tui.core.spill import SpillFile
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View

WORDS = ["GET", "api", "db", "Timeout", "timeout", "took", "ms", "ok", "x=1", "user=17", "200"]


def log_lines(n: int, seed: int, extra: tuple[str, ...] = ()) -> list[str]:
    rng = random.Random(seed)
    words = WORDS + list(extra)
    out = []
    for i in range(n):
        body = " ".join(rng.choice(words) for _ in range(rng.randint(0, 7)))
        took = f" took {rng.randint(1, 999)}ms" if rng.random() < 0.2 else ""
        out.append(f"{i} {body}{took}" if rng.random() < 0.9 else body)
    return out


def sealed(lines: list[str], spill_to: Path | None = None) -> TextChunk:
    chunk = TextChunk()
    chunk.append(Batch(lines, [Level.INFO if k % 3 else Level.ERROR for k in range(len(lines))]), 0)
    chunk.seal()
    if spill_to is not None:
        chunk.spill(SpillFile(str(spill_to)))
        assert not chunk.in_memory
    return chunk


PATTERNS = [
    "timeout",  # a literal: containing it is matching
    "(?i)timeout",  # case-blind: swept lower-cased
    "api|db",  # two needles, merged
    r"took \d+ms",  # starts with a literal: the regex's own scan
    r"\d+ms",  # a needle (``ms``), candidates asked alone
    r"user=\d+7",
    "GET .* 200",
    "^db",
    "ok$",
    r"\bms\b",
    r"(?i)[T]imeout",  # IGNORECASE with no lower-case twin: regex on the original
    r"(?i:TIME)out",
    r"api\s+db",  # \s can run over a line feed: falls back
    r"\d",  # many matches a line: falls back
    "x*",  # empty matches everywhere: falls back
]


@pytest.mark.parametrize("spill", [False, True])
@pytest.mark.parametrize("source", PATTERNS)
def test_lines_in_sealed_chunks_is_per_line_search(
    source: str, spill: bool, tmp_path: Path
) -> None:
    pattern = re.compile(source)
    lines = log_lines(3000, zlib.crc32(source.encode()))
    chunk = sealed(lines, tmp_path if spill else None)
    expected = [k for k, line in enumerate(lines) if pattern.search(line)]
    assert expected, "the data must hold matches for the comparison to mean anything"
    for i, j in ((0, 3000), (1, 2999), (257, 1900), (2700, 3000)):
        assert lines_in(pattern, chunk, i, j) == [k for k in expected if i <= k < j], (i, j)


def test_the_offset_sweep_itself_answers_what_it_can() -> None:
    # Through lines_in a fallback would hide a wrong answer: ask sweep_lines directly.
    lines = log_lines(2000, 5)
    chunk = sealed(lines)
    buffer, ends = chunk.joined_text(), chunk.line_ends()
    assert buffer is not None and ends is not None
    answered = set()
    for source in PATTERNS:
        pattern = re.compile(source)
        forms = _sweepers(pattern)
        assert forms is not None
        for i, j in ((0, 2000), (300, 1700)):
            found = sweep_lines(pattern, forms[0], forms[2], buffer, ends, i, j)
            if found is not None:
                answered.add(source)
                assert found == [k for k in range(i, j) if pattern.search(lines[k])], source
    assert answered >= {"timeout", "(?i)timeout", "api|db", r"took \d+ms", r"\d+ms", "^db"}
    assert not answered & {r"\d", "x*"}  # too many matches: left to the per-line path


def test_candidates_matching_where_their_line_starts() -> None:
    # The regex asks each candidate from its line's first character on (``^`` holds there).
    lines = log_lines(1000, 3)
    lines[0] = lines[1] = lines[700] = "api took 5ms"
    chunk = sealed(lines)
    buffer, ends = chunk.joined_text(), chunk.line_ends()
    assert buffer is not None and ends is not None
    for source in (r"^\w+ took", r"(?i)^API TOOK"):
        pattern = re.compile(source)
        forms = _sweepers(pattern)
        assert forms is not None
        expected = [k for k, line in enumerate(lines) if pattern.search(line)]
        assert expected[:2] == [0, 1] and 700 in expected
        assert sweep_lines(pattern, forms[0], forms[2], buffer, ends, 0, 1000) == expected
        found = sweep_lines(pattern, forms[0], forms[2], buffer, ends, 1, 701)
        assert found == [k for k in expected if 1 <= k < 701]


def test_smart_case_searches_on_non_ascii_chunks() -> None:
    lines = log_lines(2000, 9, extra=("Ünïcode", "TİMEOUT", "ſtatus"))
    chunk = sealed(lines)
    for typed in ("timeout", "status", "ünïcode", "Timeout"):
        query = SearchQuery.parse(typed)
        expected = [k for k, line in enumerate(lines) if query.matches(line)]
        assert lines_in(query.pattern, chunk, 0, len(lines)) == expected, typed


def test_lines_holding_line_feeds_keep_their_numbers() -> None:
    # join_texts shows a line feed inside a text as ^J, so the line ends count it.
    lines = log_lines(1000, 11)
    lines[10] = "first\nsecond timeout"
    lines[500] = "a\n\nb api"
    chunk = sealed(lines)
    shown = [line.replace("\n", "^J") for line in lines]
    for source in ("timeout", "api", r"^\d+ \w"):
        pattern = re.compile(source)
        expected = [k for k, line in enumerate(shown) if pattern.search(line)]
        assert lines_in(pattern, chunk, 0, len(lines)) == expected, source


@pytest.mark.parametrize("spill", [False, True])
def test_texts_of_cuts_lines_out_of_the_buffer(spill: bool, tmp_path: Path) -> None:
    lines = log_lines(3000, 13)
    chunk = sealed(lines, tmp_path if spill else None)
    rng = random.Random(13)
    for picked in ([0], [2999], sorted(rng.sample(range(3000), 400)), list(range(3000))):
        assert texts_of(chunk, picked) == [lines[k] for k in picked]
    assert texts_of(chunk, []) == []


FILTERS = [
    LineFilter.build(include=["timeout"]),
    LineFilter.build(exclude=["api"]),
    LineFilter.build(Level.ERROR, ["api|db"], ["ok"]),  # a third of the lines: cut out
    LineFilter.build(Level.INFO, ["(?i)TIMEOUT"], [r"x=\d"]),
    LineFilter.build(Level.ERROR),
]


@pytest.mark.parametrize("line_filter", FILTERS, ids=lambda f: f.describe())
def test_select_gives_absolute_numbers_of_passing_lines(line_filter: LineFilter) -> None:
    lines = log_lines(70_000, 17)  # one sealed chunk, one open one
    levels = [Level.INFO if k % 3 else Level.ERROR for k in range(len(lines))]
    store = LogStore(1_000_000)
    store.extend(Batch(lines, levels))
    expected = [k for k in range(len(lines)) if line_filter.matches(lines[k], levels[k])]
    assert expected
    assert list(select(line_filter, store, 0, len(lines))) == expected
    assert list(select(line_filter, store, 1000, 66_000)) == [
        k for k in expected if 1000 <= k < 66_000
    ]
    chunk = next(store.pieces(0, 1))[0]
    assert list(select_in_chunk(line_filter, chunk, 5, 600)) == [
        k for k in expected if 5 <= k < 600
    ]


@pytest.mark.parametrize("every", [3, 20])  # a dense and a sparse filtered view
def test_search_over_a_filtered_view_of_sealed_chunks(every: int) -> None:
    lines = log_lines(140_000, 19)  # two sealed chunks and an open one
    levels = [Level.ERROR if k % every == 0 else Level.INFO for k in range(len(lines))]
    store = LogStore(1_000_000)
    store.extend(Batch(lines, levels))
    view = View(store, LineFilter.build(Level.ERROR))
    for typed in ("timeout", "Timeout", "took 1"):
        index = SearchIndex(view, SearchQuery.parse(typed))
        index.build_now()
        query = SearchQuery.parse(typed)
        expected = [k for k in range(0, len(lines), every) if query.matches(lines[k])]
        assert expected
        assert list(index.numbers()) == expected, typed


def test_line_ends_cost_four_bytes_a_line_and_are_counted(tmp_path: Path) -> None:
    lines = log_lines(5000, 23)
    chunk = sealed(lines)
    ends = chunk.line_ends()
    assert ends is not None and len(ends) == len(lines) and ends.itemsize == 4
    assert list(ends[:3]) == [
        len(lines[0]) + 1,
        len(lines[0]) + len(lines[1]) + 2,
        len(lines[0]) + len(lines[1]) + len(lines[2]) + 3,
    ]
    text = chunk.joined_text()
    assert text is not None
    assert chunk.nbytes == len(lines) + len(text) + 4 * len(lines)
    chunk.spill(SpillFile(str(tmp_path)))
    assert chunk.nbytes == len(lines) + 4 * len(lines)  # the ends stay, the text went
    assert chunk.line_ends() is ends
