"""SearchQuery (plain/regex, smart case, spans) and SearchIndex (counter, n/N, wrap, sync)."""

from __future__ import annotations

import random

import pytest

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.search import SearchIndex, SearchQuery
from logtail_tui.core.store import LogStore
from logtail_tui.core.view import View


def batch(texts: list[str], levels: list[int] | None = None) -> Batch:
    return Batch(list(texts), list(levels) if levels is not None else [Level.NONE] * len(texts))


def store_of(texts: list[str], max_lines: int = 100_000) -> LogStore:
    store = LogStore(max_lines)
    store.extend(batch(texts))
    return store


def built(view: View, text: str, regex: bool = False) -> SearchIndex:
    index = SearchIndex(view, SearchQuery.parse(text, regex))
    index.build_now()
    return index


def expected_hits(view: View, query: SearchQuery) -> list[int]:
    return [n for n in view if query.matches(view.store.text(n))]


# -- SearchQuery ---------------------------------------------------------------------------


def test_plain_text_is_literal() -> None:
    q = SearchQuery.parse("a.c")
    assert not q.regex
    assert q.matches("x a.c y") and not q.matches("abc")
    assert SearchQuery.parse("[a-").matches("range [a-z]")


def test_regex_matches_mid_line() -> None:
    # toolong only matched at the start of the line.
    q = SearchQuery.parse(r"time\w+", regex=True)
    assert q.matches("request timedout after 5 s")
    assert q.spans("x timeout y timeouts") == [(2, 9), (12, 20)]
    assert not q.matches("time")


def test_smart_case() -> None:
    lower = SearchQuery.parse("error")
    assert lower.ignore_case
    assert lower.matches("ERROR: disk") and lower.matches("Error") and lower.matches("error")
    upper = SearchQuery.parse("Error")
    assert not upper.ignore_case
    assert upper.matches("Error") and not upper.matches("ERROR") and not upper.matches("error")
    # Escapes such as \S or \W are not capital letters the user typed.
    assert SearchQuery.parse(r"err\S+", regex=True).ignore_case
    assert not SearchQuery.parse(r"Err\S+", regex=True).ignore_case


def test_spans_every_match_case_insensitive() -> None:
    q = SearchQuery.parse("ab")
    assert q.spans("AB ab aB-xab") == [(0, 2), (3, 5), (6, 8), (10, 12)]
    assert q.spans("nothing") == []
    assert SearchQuery.parse("x*", regex=True).spans("aaxxb") == [(2, 4)]  # no empty spans


def test_invalid_regex_and_empty_query_are_one_sentence_errors() -> None:
    with pytest.raises(ValueError) as info:
        SearchQuery.parse("(oops", regex=True)
    assert "search" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ValueError, match="empty"):
        SearchQuery.parse("")


def test_queries_compare_by_value() -> None:
    assert SearchQuery.parse("a.c") == SearchQuery.parse("a.c")
    assert SearchQuery.parse("a.c", regex=True) != SearchQuery.parse("a.c")


# -- SearchIndex -----------------------------------------------------------------------------


def test_counter_next_previous_and_wrap() -> None:
    texts = [f"line {i}" + (" needle" if i in (3, 7, 12) else "") for i in range(20)]
    view = View(store_of(texts))
    index = built(view, "needle")
    assert index.ready and len(index) == 3
    assert index.next(-1) == (3, False)
    assert index.next(3) == (7, False)
    assert index.next(7) == (12, False)
    assert index.next(12) == (3, True)  # past the newest: wraps to the oldest
    assert index.next(15) == (3, True)
    assert index.previous(12) == (7, False)
    assert index.previous(3) == (12, True)
    assert index.previous(len(view)) == (12, False)
    assert index.previous(-1) == (12, True)
    assert [index.ordinal(i) for i in (3, 7, 12)] == [1, 2, 3]
    assert index.ordinal(0) == 0 and index.ordinal(8) == 2
    assert index.is_match(7) and not index.is_match(8)


def test_no_match_gives_none() -> None:
    view = View(store_of(["a", "b"]))
    index = built(view, "zzz")
    assert len(index) == 0
    assert index.next(0) is None and index.previous(1) is None


def test_next_reaches_a_match_far_away() -> None:
    texts = ["GET /api/v1/orders 200 12ms"] * 200_000
    texts[3] = "rare event"
    texts[180_000] = "another Rare event"
    view = View(store_of(texts, 300_000))
    index = built(view, "rare")
    assert len(index) == 2
    assert index.next(3) == (180_000, False)
    assert index.previous(180_000) == (3, False)
    assert index.ordinal(180_000) == 2


def test_only_visible_lines_count() -> None:
    texts = ["db timeout", "cache timeout", "db ok", "timeout again db"]
    levels = [Level.ERROR, Level.ERROR, Level.ERROR, Level.INFO]
    store = LogStore(100)
    store.extend(batch(texts, levels))
    view = View(store, LineFilter.build(Level.WARNING, ["db"]))  # visible: 0, 2
    index = built(view, "timeout")
    assert len(index) == 1
    assert index.next(-1) == (0, False)
    assert index.ordinal(0) == 1


def test_sync_after_appends_and_evictions() -> None:
    store = LogStore(100)
    store.extend(batch([f"{i} {'hit' if i % 7 == 0 else 'no'}" for i in range(100)]))
    view = View(store, LineFilter.build(exclude=["^5"]))
    index = built(view, "hit")
    assert len(index) == len(expected_hits(view, index.query))
    store.extend(batch([f"{i} {'hit' if i % 7 == 0 else 'no'}" for i in range(100, 160)]))
    view.sync()
    index.sync()
    hits = expected_hits(view, index.query)
    assert list(index.numbers()) == hits and hits[0] >= store.first and hits[-1] >= 150
    assert index.ordinal(view.index_of(hits[-1])) == len(hits)
    store.clear()
    view.sync()
    index.sync()
    assert len(index) == 0 and index.next(-1) is None


def test_stale_after_refilter_and_rebuild() -> None:
    store = store_of([f"{i} x" for i in range(100)])
    view = View(store)
    index = built(view, "x")
    assert len(index) == 100 and not index.stale
    view.set_filter(LineFilter.build(include=["^1"]))
    assert index.stale
    index.build_now()
    assert not index.stale and len(index) == len(view) == 11


def test_build_keeps_previous_result_and_restarts_when_view_changes() -> None:
    store = store_of([f"{i} {'odd' if i % 2 else 'even'}" for i in range(1000)])
    view = View(store)
    index = built(view, "odd")
    assert len(index) == 500
    steps = index.build(chunk=100)
    next(steps)
    assert len(index) == 500  # the old result stays until the build finishes
    view.set_filter(LineFilter.build(include=["^1"]))
    store.extend(batch(["1 odd tail"]))
    view.sync()
    for _ in steps:
        pass
    assert list(index.numbers()) == expected_hits(view, index.query)
    assert not index.stale


def test_build_with_appends_and_evictions_meanwhile() -> None:
    store = LogStore(1200)
    store.extend(batch([f"{i} {'hit' if i % 3 == 0 else 'no'}" for i in range(1000)]))
    view = View(store, LineFilter.build(exclude=["7"]))
    index = SearchIndex(view, SearchQuery.parse("hit"))
    nxt = 1000
    for _ in index.build(chunk=64):
        store.extend(batch([f"{i} {'hit' if i % 3 == 0 else 'no'}" for i in range(nxt, nxt + 80)]))
        nxt += 80
        view.sync()
    assert store.evicted > 0
    view.sync()
    index.sync()
    assert list(index.numbers()) == expected_hits(view, index.query)


@pytest.mark.parametrize("seed", range(4))
def test_random_searches_match_naive(seed: int) -> None:
    rng = random.Random(seed)
    words = ["db", "DB", "timeout", "TimeOut", "ſtatus", "status", "ok", "a.b", "İd", "x y"]
    store = LogStore(rng.randint(100, 500))
    view = View(store, rng.choice([LineFilter(), LineFilter.build(exclude=["ok"])]))
    queries = [
        SearchQuery.parse("timeout"),
        SearchQuery.parse("TimeOut"),
        SearchQuery.parse("status"),
        SearchQuery.parse("a.b"),
        SearchQuery.parse("id"),
        SearchQuery.parse(r"^db\b", regex=True),
        SearchQuery.parse(r"(db|status)$", regex=True),
    ]
    index = SearchIndex(view, rng.choice(queries))
    index.build_now()
    for _ in range(60):
        n = rng.randint(0, 80)
        texts = [" ".join(rng.choices(words, k=rng.randint(0, 4))) for _ in range(n)]
        store.extend(batch(texts))
        view.sync()
        index.sync()
        hits = expected_hits(view, index.query)
        assert list(index.numbers()) == hits
        if hits:
            i = rng.randrange(len(view))
            nxt = index.next(i)
            assert nxt is not None
            later = [h for h in hits if h > view[i]]
            assert view[nxt[0]] == (later[0] if later else hits[0]) and nxt[1] == (not later)
        if rng.random() < 0.1:
            index = SearchIndex(view, rng.choice(queries))
            index.build_now()
