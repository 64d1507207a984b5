"""LogStore: bounded scrollback with absolute numbering, eviction counts, optional columns."""

from __future__ import annotations

import pytest

from logtail_tui.core.record import Batch, Level, Record
from logtail_tui.core.store import LogStore


def texts(prefix: str, n: int) -> Batch:
    return Batch([f"{prefix}{i}" for i in range(n)], [Level.INFO] * n)


def test_append_and_read_by_absolute_number() -> None:
    store = LogStore(10)
    assert store.extend(texts("a", 3)) == 0
    assert (len(store), store.first, store.end, store.received) == (3, 0, 3, 3)
    assert [store.text(n) for n in range(3)] == ["a0", "a1", "a2"]
    assert store.level(1) == Level.INFO
    assert store.record(2) == Record("a2", Level.INFO, None, None, 0)


def test_eviction_is_counted_and_numbers_never_change() -> None:
    store = LogStore(5)
    store.extend(texts("a", 4))
    assert store.extend(texts("b", 3)) == 2
    assert (store.evicted, store.received, len(store)) == (2, 7, 5)
    assert (store.first, store.end) == (2, 7)
    assert store.text(2) == "a2"  # line 2 is still line 2
    assert store.text(6) == "b2"
    assert 1 not in store and 2 in store and 7 not in store


def test_a_batch_larger_than_the_store_keeps_its_newest_lines() -> None:
    store = LogStore(3)
    assert store.extend(texts("x", 10)) == 7
    assert [store.text(n) for n in range(store.first, store.end)] == ["x7", "x8", "x9"]
    assert (store.first, store.evicted) == (7, 7)


def test_empty_batch_changes_nothing() -> None:
    store = LogStore(3)
    assert store.extend(Batch()) == 0
    assert (store.received, store.end) == (0, 0)


def test_clear_keeps_numbering_and_counts() -> None:
    store = LogStore(10)
    store.extend(texts("a", 4))
    assert store.clear() == 4
    assert (len(store), store.first, store.end, store.cleared, store.evicted) == (0, 4, 4, 4, 0)
    store.extend(texts("b", 2))
    assert (store.first, store.text(4), store.text(5)) == (4, "b0", "b1")
    assert store.received == 6


def test_optional_columns_appear_only_when_needed_and_stay_aligned() -> None:
    store = LogStore(10)
    store.extend(texts("plain", 2))
    assert store.time(0) is None and store.raw(0) is None
    structured = Batch(["msg"], [Level.ERROR], ["2026-11-21T10:00:00Z"], ['{"msg":"msg"}'])
    store.extend(structured, source=3)
    store.extend(texts("later", 1))
    assert [store.time(n) for n in range(4)] == [None, None, "2026-11-21T10:00:00Z", None]
    assert [store.raw(n) for n in range(4)] == [None, None, '{"msg":"msg"}', None]
    assert [store.source(n) for n in range(4)] == [0, 0, 3, 0]
    assert store.record(2) == Record("msg", Level.ERROR, "2026-11-21T10:00:00Z", '{"msg":"msg"}', 3)


def test_optional_columns_survive_eviction() -> None:
    store = LogStore(2)
    store.extend(Batch(["a"], [0], ["t-a"], None))
    store.extend(Batch(["b", "c"], [0, 0], None, ["raw-b", None]), source=1)
    assert (store.first, store.time(1), store.time(2), store.raw(1)) == (1, None, None, "raw-b")
    assert (store.source(1), store.source(2)) == (1, 1)


def test_levels_are_compact_bytes() -> None:
    store = LogStore(10)
    store.extend(Batch(["e"], [Level.CRITICAL]))
    assert store.levels_between(0, 1) == bytes([Level.CRITICAL])


def test_max_lines_must_be_positive() -> None:
    with pytest.raises(ValueError):
        LogStore(0)
