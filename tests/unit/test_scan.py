"""Chunk sweeps give exactly the lines a per-line ``pattern.search`` gives; bulk levels give
exactly what the line parser gives."""

from __future__ import annotations

import random
import re

import pytest

from logtail_tui.core.bulk import LevelIndexer
from logtail_tui.core.chunks import FileChunk, TextChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.native import is_clean
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.scan import lines_in, select_in_chunk
from logtail_tui.core.search import SearchQuery

WORDS = ["GET", "api", "Timeout", "timeout", "db", "error", "ok", "x=1", "/v1/orders", "α", "ms"]


def random_lines(n: int, seed: int, ascii_only: bool = True, sparse: bool = False) -> list[str]:
    rng = random.Random(seed)
    words = [w for w in WORDS if w.isascii() or not ascii_only]
    lines = []
    for i in range(n):
        if sparse and rng.random() < 0.97:
            lines.append(f"{i} filler words only")
            continue
        body = " ".join(rng.choice(words) for _ in range(rng.randint(0, 8)))
        lines.append(f"{i} {body}" if rng.random() < 0.9 else body)
    return lines


def chunks_of(lines: list[str]) -> list[FileChunk | TextChunk]:
    blob = "\n".join(lines).encode()
    file_chunk = FileChunk(bytearray(len(lines)), LineParser(), blob=blob)
    text_chunk = TextChunk()
    text_chunk.append(Batch(lines, [0] * len(lines)), 0)
    text_chunk.seal()
    return [file_chunk, text_chunk]


PATTERNS = [
    "timeout",
    "Timeout",
    "(?i)TIMEOUT",
    "^db",
    "ok$",
    r"api\s+db",  # \s could run across a line feed in a whole-buffer sweep
    r"\d{2} GET",
    "x=1|/v1/orders",
    "db ok",
    r"\bms\b",
    "ms(?!\n)",
    r"(?<!\n)api",
    r"ok\n?",
    r"\Aok",
    "α",
    r"GET .* ok",  # starts with a literal: found by it, then the regex from there
    r"timeout\W+\w",
    r"x=1|x=2",  # the parser factors out the prefix "x="
    r"(?i)timeout \w+",
    r"db\b",
]


@pytest.mark.parametrize("sparse", [True, False])
@pytest.mark.parametrize("ascii_only", [True, False])
@pytest.mark.parametrize("source", PATTERNS)
def test_sweeps_match_per_line_search(source: str, ascii_only: bool, sparse: bool) -> None:
    pattern = re.compile(source)
    lines = random_lines(3000, seed=len(source), ascii_only=ascii_only, sparse=sparse)
    expected = [k for k, line in enumerate(lines) if pattern.search(line)]
    for chunk in chunks_of(lines):
        assert lines_in(pattern, chunk, 0, len(lines)) == expected, type(chunk).__name__
        assert lines_in(pattern, chunk, 100, 2000) == [k for k in expected if 100 <= k < 2000]


def test_smart_case_queries_sweep_like_search() -> None:
    lines = random_lines(5000, seed=3)
    for typed in ("timeout", "Timeout", "api db"):
        query = SearchQuery.parse(typed)
        expected = [k for k, line in enumerate(lines) if query.matches(line)]
        assert expected  # the data holds every query
        for chunk in chunks_of(lines):
            assert lines_in(query.pattern, chunk, 0, len(lines)) == expected


def test_select_in_chunk_combines_levels_include_and_exclude() -> None:
    lines = [
        f"{i} {'db' if i % 3 == 0 else 'api'} {'slow' if i % 5 == 0 else 'fast'}"
        for i in range(1000)
    ]
    chunk = TextChunk()
    chunk.append(Batch(lines, [Level.ERROR if i % 2 else Level.INFO for i in range(1000)]), 0)
    chunk.seal()
    line_filter = LineFilter.build(level=Level.WARNING, include=["db"], exclude=["slow"])
    picked = select_in_chunk(line_filter, chunk, 0, 1000)
    assert list(picked) == [i for i in range(1000) if i % 2 and i % 3 == 0 and i % 5]


@pytest.mark.parametrize("seed", range(4))
def test_few_lines_kept_by_level_and_literal_filters_match_per_line(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A level that keeps about one line in five, with literal includes and excludes: only
    the kept lines are looked at (in C when built), and the result is per-line matching's."""
    from logtail_tui.core import native

    rng = random.Random(seed)
    lines = random_lines(4000, seed=seed, ascii_only=seed % 2 == 0)
    levels = [Level.ERROR if rng.random() < 0.2 else Level.INFO for _ in lines]
    chunk = TextChunk()
    chunk.append(Batch(lines, levels), 0)
    chunk.seal()
    calls: list[int] = []
    real = native.mark_needle_lines
    monkeypatch.setattr(native, "mark_needle_lines", lambda *a: calls.append(1) or real(*a))
    filters = [
        LineFilter.build(level=Level.WARNING, include=["api|db"], exclude=["timeout"]),
        LineFilter.build(level=Level.WARNING, include=["(?i)TIMEOUT"]),
        LineFilter.build(level=Level.WARNING, include=["api", "ok"], exclude=["x=1", "GET"]),
        LineFilter.build(level=Level.WARNING, exclude=["(?i)get"]),
    ]
    for line_filter in filters:
        expected = [k for k in range(len(lines)) if line_filter.matches(lines[k], levels[k])]
        assert expected, "the data should keep some lines"
        assert list(select_in_chunk(line_filter, chunk, 0, len(lines))) == expected
        assert list(select_in_chunk(line_filter, chunk, 500, 3000)) == [
            k for k in expected if 500 <= k < 3000
        ]
    # ASCII text takes the C path when it is built; other text goes line by line.
    assert bool(calls) == (native.ENABLED and seed % 2 == 0)


FORMATS = [
    "2026-12-01T10:00:00.123Z {level} [main] request done",
    "2026-12-01 10:00:00,123 {level} c.e.Service - order {i}",
    "{level} {i} plain words",
    "[{lower}] bracketed {i}",
    '{{"level":"{lower}","msg":"json {i}"}}',
    "ts=2026-12-01T10:00:00Z level={lower} msg=logfmt",
    "\tat com.example.Foo.bar(Foo.java:{i})",
    "Traceback (most recent call last):",
    "java.lang.IllegalStateException: boom {i}",
    "no level here {i}",
    "",
]
LEVEL_WORDS = ["INFO", "WARN", "ERROR", "DEBUG", "FATAL", "TRACE", "SEVERE", "WARNING", "Exception"]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("fmt", ["auto", "text"])
def test_bulk_levels_equal_the_line_parser(seed: int, fmt: str) -> None:
    rng = random.Random(seed)
    main = rng.choice(FORMATS[:3])
    lines = []
    for i in range(4000):
        shape = main if rng.random() < 0.8 else rng.choice(FORMATS)
        word = rng.choice(LEVEL_WORDS)
        lines.append(shape.format(level=word, lower=word.lower(), i=i))
    indexer = LevelIndexer(fmt)
    parser = LineParser(fmt)
    previous = 0
    for start in range(0, 4000, 1000):
        block = lines[start : start + 1000]
        levels, _ = indexer.levels("\n".join(block).encode(), len(block), previous)
        expected = [max(0, v) for v in parser.parse(block).levels]
        assert list(levels) == expected
        previous = levels[-1]


def test_a_learnt_layout_takes_the_fast_path() -> None:
    lines = [f"2026-12-01T10:00:00Z {w} x" for w in ("INFO", "WARN", "ERROR") * 500]
    indexer = LevelIndexer()
    blob = "\n".join(lines).encode()
    indexer.levels(blob, len(lines))
    indexer.levels(blob, len(lines))
    assert indexer.exact_blocks == 0


def test_clean_means_printable_ascii_and_line_feeds() -> None:
    assert is_clean(b"2026 INFO ok\nnext line")
    assert not is_clean(b"tab\there")
    assert not is_clean(b"esc \x1b[31m")
    assert not is_clean("caf\u00e9".encode())
    assert not is_clean(b"crlf\r\n")


def test_select_numbers_the_picked_lines_of_every_chunk() -> None:
    from logtail_tui.core.chunks import CHUNK_LINES
    from logtail_tui.core.scan import select
    from logtail_tui.core.store import LogStore

    n = CHUNK_LINES * 2 + 500
    lines = [f"{i} {'db took 12ms' if i % 3 == 0 else 'api ok'}" for i in range(n)]
    lines[5] += " rare"
    store = LogStore(n * 2)
    store.extend(Batch(lines, [Level.INFO] * n))
    for include in (r"took \d+ms", "rare", r"\d"):  # many picks, a few, every line
        line_filter = LineFilter.build(include=[include])
        for lo, hi in ((0, n), (7, n - 3), (CHUNK_LINES - 2, CHUNK_LINES + 90)):
            want = [k for k in range(lo, hi) if line_filter.matches(lines[k], Level.INFO)]
            assert list(select(line_filter, store, lo, hi)) == want
