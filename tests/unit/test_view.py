"""The filtered view: incremental sync, eviction, clear, chunked refilter, level jumps."""

from __future__ import annotations

import random

import pytest

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View

LEVELS = [Level.NONE, Level.DEBUG, Level.INFO, Level.WARNING, Level.ERROR]


def batch(texts: list[str], levels: list[int] | None = None) -> Batch:
    return Batch(list(texts), list(levels) if levels is not None else [Level.NONE] * len(texts))


def numbered(start: int, stop: int) -> Batch:
    """Line ``i`` says ``line i``; every 10th is an error mentioning ``db``."""
    texts = [f"line {i} " + ("db error" if i % 10 == 0 else "ok") for i in range(start, stop)]
    levels = [Level.ERROR if i % 10 == 0 else Level.INFO for i in range(start, stop)]
    return batch(texts, levels)


def expected(store: LogStore, line_filter: LineFilter) -> list[int]:
    return [
        n
        for n in range(store.first, store.end)
        if line_filter.matches(store.text(n), store.level(n), store.source(n))
    ]


def test_no_filter_is_identity_without_index() -> None:
    store = LogStore(1000)
    store.extend(numbered(0, 500))
    view = View(store)
    assert not view.indexed
    assert len(view) == 500 and view[0] == 0 and view[-1] == 499
    assert view.hidden == 0
    assert view.index_of(250) == 250 and view.index_of(-5) == 0 and view.index_of(10**9) == 500
    with pytest.raises(IndexError):
        view[500]
    store.extend(numbered(500, 1200))  # evicts 200
    view.sync()
    assert not view.indexed
    assert (view[0], view[-1], len(view)) == (200, 1199, 1000)
    assert list(view.numbers(0, 3)) == [200, 201, 202]


def test_filter_then_new_lines_only_matching_shown() -> None:
    store = LogStore(10_000)
    store.extend(numbered(0, 100))
    view = View(store, LineFilter.build(include=["db"]))
    assert view.indexed
    assert list(view) == list(range(0, 100, 10))
    store.extend(numbered(100, 135))
    assert len(view) == 10  # not synced yet: the pane keeps its stable result
    view.sync()
    assert list(view) == list(range(0, 135, 10))
    assert view.hidden == 135 - 14
    assert list(view.numbers(1, 3)) == [10, 20]
    assert 20 in view and 21 not in view
    assert [store.text(n) for n in view] == [f"line {n} db error" for n in range(0, 135, 10)]


def test_eviction_while_filtered() -> None:
    store = LogStore(100)
    view = View(store, LineFilter.build(Level.ERROR))
    store.extend(numbered(0, 100))
    view.sync()
    assert len(view) == 10
    store.extend(numbered(100, 155))  # lines 0..54 evicted
    view.sync()
    assert store.first == 55
    assert list(view) == list(range(60, 155, 10))
    assert view.index_of(0) == 0 and view.index_of(61) == 1 and view.index_of(151) == len(view)
    assert view.hidden == 100 - len(view)


def test_more_appended_than_kept_between_syncs() -> None:
    store = LogStore(50)
    view = View(store, LineFilter.build(include=["db"]))
    store.extend(numbered(0, 30))
    store.extend(numbered(30, 300))  # the view never saw lines 30..249
    view.sync()
    assert list(view) == list(range(250, 300, 10))


def test_store_clear_empties_view_and_new_lines_follow() -> None:
    store = LogStore(1000)
    store.extend(numbered(0, 100))
    for line_filter in (LineFilter(), LineFilter.build(include=["db"])):
        view = View(store, line_filter)
        assert len(view) > 0
    store.clear()
    view.sync()
    assert len(view) == 0 and view.hidden == 0
    store.extend(numbered(100, 120))
    view.sync()
    assert list(view) == [100, 110]


def test_invalid_filter_regex_is_refused_before_the_view_changes() -> None:
    store = LogStore(100)
    store.extend(numbered(0, 20))
    view = View(store, LineFilter.build(include=["db"]))
    with pytest.raises(ValueError, match="invalid include regex"):
        view.set_filter(LineFilter.build(include=["db("]))
    assert list(view) == [0, 10]


def test_clearing_the_filter_restores_everything() -> None:
    store = LogStore(1000)
    store.extend(numbered(0, 300))
    view = View(store, LineFilter.build(Level.WARNING, ["db"], ["line 1"]))
    assert 0 < len(view) < 300
    view.set_filter(LineFilter())
    assert not view.indexed
    assert list(view) == list(range(300))
    assert view.hidden == 0


def test_refilter_yields_progress_and_swaps_at_the_end() -> None:
    store = LogStore(10_000)
    store.extend(numbered(0, 1000))
    view = View(store)
    generation = view.generation
    progress = []
    steps = view.refilter(LineFilter.build(include=["db"]), chunk=100)
    for p in steps:
        progress.append(p)
        assert len(view) == 1000  # still the old result while it runs
        assert not view.indexed
    assert (
        progress == sorted(progress) and len(progress) == 9 and 0 < progress[0] < progress[-1] < 1
    )
    assert list(view) == list(range(0, 1000, 10))
    assert view.generation == generation + 1


def test_refilter_abandoned_midway_keeps_the_old_result() -> None:
    store = LogStore(10_000)
    store.extend(numbered(0, 1000))
    old = LineFilter.build(Level.ERROR)
    view = View(store, old)
    before = list(view)
    steps = view.refilter(LineFilter.build(include=["line 5"]), chunk=100)
    next(steps)
    next(steps)
    steps.close()
    assert view.filter is old
    assert list(view) == before
    store.extend(numbered(1000, 1100))
    view.sync()  # still filtering new lines with the old filter
    assert list(view) == expected(store, old)


def test_refilter_with_appends_and_evictions_while_running() -> None:
    store = LogStore(1500)
    store.extend(numbered(0, 1000))
    view = View(store, LineFilter.build(include=["ok"]))
    new = LineFilter.build(Level.ERROR, exclude=["line 3"])
    nxt = 1000
    for _ in view.refilter(new, chunk=128):
        store.extend(numbered(nxt, nxt + 150))  # evicts once the store is full
        nxt += 150
        view.sync()  # the UI keeps syncing the old view meanwhile
        assert all(n >= store.first for n in view)
    assert store.evicted > 0
    assert list(view) == expected(store, new)
    assert view.filter is new


def test_refilter_survives_a_clear_while_running() -> None:
    store = LogStore(5000)
    store.extend(numbered(0, 1000))
    view = View(store)
    steps = view.refilter(LineFilter.build(include=["db"]), chunk=100)
    next(steps)
    store.clear()
    store.extend(numbered(1000, 1050))
    for _ in steps:
        pass
    assert list(view) == [1000, 1010, 1020, 1030, 1040]


def test_source_filter_over_the_store() -> None:
    store = LogStore(1000)
    store.extend(numbered(0, 20))  # source 0, before the store had a source column
    store.extend(numbered(20, 40), source=1)
    view = View(store, LineFilter.build(sources=[1]))
    assert list(view) == list(range(20, 40))
    store.extend(numbered(40, 45), source=0)
    store.extend(numbered(45, 50), source=1)
    view.sync()
    assert list(view) == [*range(20, 40), *range(45, 50)]
    view.set_filter(LineFilter.build(include=["db"], sources=[0]))
    assert list(view) == [0, 10, 40]


def test_find_level_skips_hidden_lines() -> None:
    levels = [Level.INFO, Level.ERROR, Level.INFO, Level.CRITICAL, Level.ERROR, Level.NONE]
    texts = ["a", "b hide", "c", "d", "e", "f"]
    store = LogStore(100)
    store.extend(batch(texts, levels))
    view = View(store, LineFilter.build(exclude=["hide"]))
    # visible: 0 a, 2 c, 3 d, 4 e, 5 f
    assert view.find_level(-1, Level.ERROR) == view.index_of(3)
    assert view.find_level(view.index_of(3), Level.ERROR) == view.index_of(4)
    assert view.find_level(view.index_of(4), Level.ERROR) is None
    assert view.find_level(view.index_of(4), Level.ERROR, backwards=True) == view.index_of(3)
    assert view.find_level(view.index_of(3), Level.ERROR, backwards=True) is None
    assert view.find_level(len(view), Level.CRITICAL, backwards=True) == view.index_of(3)
    assert view.find_level(0, Level.INFO) == 1  # line 2; NONE counts as INFO too
    assert view.find_level(view.index_of(4), Level.INFO) == view.index_of(5)


@pytest.mark.parametrize("seed", range(5))
def test_random_operations_match_the_naive_view(seed: int) -> None:
    rng = random.Random(seed)
    words = ["db", "cache", "timeout", "ok", "GET", "/health", "ſtatus", "Status"]
    store = LogStore(rng.randint(50, 400))
    filters = [
        LineFilter(),
        LineFilter.build(Level.WARNING),
        LineFilter.build(include=["db|cache"]),
        LineFilter.build(exclude=["health"], hidden_levels=[Level.INFO]),
        LineFilter.build(Level.DEBUG, ["(?i)status", "timeout"], ["GET"]),
        LineFilter.build(sources=[1]),
        LineFilter.build(Level.WARNING, ["db"], sources=[0, 2]),
    ]
    view = View(store, rng.choice(filters))
    pending = None
    for _ in range(200):
        op = rng.random()
        if op < 0.5:
            n = rng.randint(0, 120)
            texts = [" ".join(rng.choices(words, k=rng.randint(0, 4))) for _ in range(n)]
            source = rng.choice([0, 0, 1, 2])
            store.extend(batch(texts, [rng.choice(LEVELS) for _ in range(n)]), source)
        elif op < 0.55:
            store.clear()
        elif op < 0.7:
            pending = view.refilter(rng.choice(filters), chunk=rng.randint(1, 64))
        elif op < 0.8 and pending is not None:
            if rng.random() < 0.2:
                pending.close()
                pending = None
            else:
                next(pending, None)
        view.sync()
        assert list(view) == expected(store, view.filter)
        assert len(view) + view.hidden == len(store)
        if len(view):
            i = rng.randrange(len(view))
            assert view.index_of(view[i]) == i
