"""Filters keep or drop whole records, over stream and file chunks, against a per-record
reference on random data: after a full re-filter cut at odd places, after lines arriving a
few at a time, and after history prepended block by block."""

from __future__ import annotations

import itertools
import random

import pytest
from record_logs import JAVA

from logtail_tui.core.bulk import LevelIndexer
from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Level, effective
from logtail_tui.core.record_spans import record_range
from logtail_tui.core.records import Grouper, runs
from logtail_tui.core.scrollback import Scrollback
from logtail_tui.core.search import SearchIndex, SearchQuery
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View

WORDS = ["alpha", "beta", "gamma", "delta", "omega"]
FILTERS = [
    LineFilter.build(include=["gamma"]),
    LineFilter.build(exclude=["delta"]),
    LineFilter.build(Level.WARNING, ["beta|omega"], ["alpha"]),
    LineFilter.build(include=[r"^\s+at "]),
    LineFilter.build(Level.ERROR, ["alpha|beta"], ["gamma"]),  # few lines pass the level
]


def random_log(rng: random.Random, records: int) -> list[str]:
    lines = []
    for k in range(records):
        level = rng.choice(["INFO", "WARN", "ERROR", "DEBUG", "INFO", "INFO", "DEBUG"])
        lines.append(f"2026-12-01T00:00:00Z {level} record {k} {rng.choice(WORDS)}")
        for _ in range(rng.choice([0, 0, 0, 1, 3, 6])):
            lines.append(f"\tat {rng.choice(WORDS)}.f(X.java:{k})")
    return lines


def reference(lines: list[str], line_filter: LineFilter) -> list[int]:
    batch = LineParser().parse(list(lines))
    kept: list[int] = []
    for lo, hi in runs(batch.starts, len(lines)):
        texts = lines[lo:hi]
        level_ok = effective(batch.levels[lo]) >= (line_filter.level or 0)
        inc = not line_filter.include or any(
            p.search(t) for p in line_filter.include for t in texts
        )
        exc = any(p.search(t) for p in line_filter.exclude for t in texts)
        if level_ok and inc and not exc:
            kept.extend(range(lo, hi))
    return kept


def file_chunk(lines: list[str], grouper: Grouper, history: bool = False) -> FileChunk:
    blob = "\n".join(lines).encode()
    levels, starts, orphans = LevelIndexer().index(blob, len(lines), grouper)
    chunk = FileChunk(levels, LineParser(), blob=blob)
    chunk.starts, chunk.orphans, chunk.history = starts, orphans, history
    return chunk


def cuts(rng: random.Random, n: int, pieces: int) -> list[int]:
    return sorted({0, n, *rng.sample(range(1, n), pieces)})


@pytest.mark.parametrize("seed", range(4))
def test_refilter_over_mixed_chunks_keeps_whole_records(seed: int) -> None:
    rng = random.Random(seed)
    lines = random_log(rng, 900)
    store = LogStore(10_000_000)
    parser, grouper = LineParser(), Grouper()
    bounds = cuts(rng, len(lines), 12)
    for lo, hi in itertools.pairwise(bounds):
        part = lines[lo:hi]
        if rng.random() < 0.5:
            store.extend(parser.parse(part))
            grouper = Grouper(parser.last_level)
            grouper.lines = parser.grouper.lines
        else:
            store.add_chunk(file_chunk(part, grouper))
            parser.grouper = grouper
    for line_filter in FILTERS:
        view = View(store)
        for _ in view.refilter(line_filter, chunk=rng.randint(50, 400)):
            pass
        want = reference(lines, line_filter)
        assert want and list(view) == want, line_filter.describe()


@pytest.mark.parametrize("seed", range(3))
def test_lines_arriving_a_few_at_a_time_give_the_same_view(seed: int) -> None:
    rng = random.Random(seed)
    lines = random_log(rng, 300)
    for line_filter in FILTERS:
        store = LogStore(10_000_000)
        view = View(store, line_filter)
        parser = LineParser()
        pos = 0
        while pos < len(lines):
            step = rng.randint(1, 4)
            store.extend(parser.parse(lines[pos : pos + step]))
            view.sync()
            pos += step
        want = reference(lines, line_filter)
        assert want and list(view) == want, line_filter.describe()


@pytest.mark.parametrize("seed", range(3))
def test_history_prepended_block_by_block_joins_orphans_to_their_record(seed: int) -> None:
    rng = random.Random(seed)
    lines = random_log(rng, 600)
    bounds = cuts(rng, len(lines), 8)
    blocks = [lines[lo:hi] for lo, hi in itertools.pairwise(bounds)]
    for line_filter in FILTERS:
        store = LogStore(10_000_000)
        view = View(store, line_filter)
        parser = LineParser()
        store.extend(parser.parse(blocks[-1]))  # the end of the file, read first
        view.sync()
        for block in reversed(blocks[:-1]):
            store.add_chunk(file_chunk(block, Grouper(), history=True), prepend=True)
            view.sync()
        shown = [n - store.first for n in view]
        assert shown == reference(lines, line_filter), line_filter.describe()
        whole = View(store)
        for _ in whole.refilter(line_filter):
            pass
        assert list(whole) == list(view)


def test_a_record_whose_start_was_evicted_is_what_is_left_of_it() -> None:
    store = LogStore(4)
    store.extend(LineParser().parse(["ERROR boom", "\tat a", "\tat b", "\tat c", "\tat d"]))
    assert store.first == 1
    assert list(record_range(store, 3)) == [1, 2, 3, 4]
    view = View(store, LineFilter.build(include=["boom"]))
    assert list(view) == []  # the line that matched is gone
    view = View(store, LineFilter.build(include=["at c"]))
    assert list(view) == [1, 2, 3, 4]


def test_search_steps_from_record_to_record() -> None:
    store = LogStore(1000)
    store.extend(LineParser().parse(list(JAVA)))
    index = SearchIndex(View(store), SearchQuery.parse("com.shop"))
    index.build_now()
    assert list(index.numbers()) == [3, 4, 11]  # two lines in order 8's trace, one in 10's
    assert index.next(-1) == (3, False)
    assert index.next(3) == (11, False)  # line 4 is the same record: one hit
    assert index.next(11) == (3, True)
    assert index.previous(11) == (3, False)  # the record's first matching line
    assert index.previous(len(JAVA)) == (11, False)
    assert index.previous(3) == (11, True)


def test_search_hits_follow_a_record_decided_again() -> None:
    scrollback = Scrollback(1000, 0, LineFilter.build(exclude=["no session"]))
    for _ in scrollback.search(SearchQuery.parse("com.shop")):
        pass
    parser = LineParser()
    scrollback.append(0, parser.parse(list(JAVA[:4])))
    scrollback.sync()
    assert scrollback.index is not None and list(scrollback.index.numbers()) == [3]
    scrollback.append(0, parser.parse(list(JAVA[4:])))  # "no session" is in order 8's trace
    scrollback.sync()
    assert list(scrollback.view) == [0, 7, 8, 9, 10, 11, 12]
    assert list(scrollback.index.numbers()) == [11]
