"""Scrollback: one object keeps store, view and search index in step."""

from __future__ import annotations

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.scrollback import Scrollback
from logtail_tui.core.search import SearchQuery


def batch(*texts: str) -> Batch:
    return Batch(list(texts), [Level.ERROR if "ERROR" in t else Level.INFO for t in texts])


def drain(steps: object) -> None:
    for _ in steps:  # type: ignore[attr-defined]
        pass


def test_append_then_sync_updates_view_and_search_in_order() -> None:
    sb = Scrollback(100)
    drain(sb.search(SearchQuery.parse("disk")))
    drain(sb.refilter(LineFilter.build(level=Level.ERROR)))
    sb.append(0, batch("INFO disk ok", "ERROR disk full", "ERROR cpu hot"))
    sb.sync()
    assert list(sb.view) == [1, 2]
    assert sb.index is not None and list(sb.index.numbers()) == [1]
    assert sb.query is not None and sb.query.text == "disk"
    assert sb.totals().shown == 2 and sb.totals().hidden == 1


def test_refilter_rebuilds_the_search_over_the_new_view() -> None:
    sb = Scrollback(100)
    sb.append(0, batch("INFO disk ok", "ERROR disk full"))
    sb.sync()
    drain(sb.search(SearchQuery.parse("disk")))
    assert sb.index is not None and len(sb.index) == 2
    new = LineFilter.build(level=Level.ERROR)
    steps = sb.refilter(new)
    assert sb.requested_filter is not new  # nothing happens before the work starts
    drain(steps)
    assert sb.requested_filter is new and sb.view.filter is new
    assert list(sb.index.numbers()) == [1]


def test_history_chunks_go_first_and_numbers_stay_readable() -> None:
    sb = Scrollback(100)
    sb.append(0, batch("INFO tail"))
    blob = b"2026 ERROR early\n2026 INFO later"
    history = FileChunk(bytearray([Level.ERROR, Level.INFO]), LineParser(), blob=blob)
    history.history = True
    sb.append(0, history)
    sb.sync()
    assert [sb.store.text(n) for n in sb.view] == [
        "2026 ERROR early",
        "2026 INFO later",
        "INFO tail",
    ]
    assert sb.line_number(sb.view[0]) == 1 and sb.line_number(sb.view[2]) == 3
    assert sb.find_level(-1) == 0


def test_clear_empties_view_and_search_and_counts() -> None:
    sb = Scrollback(100)
    drain(sb.search(SearchQuery.parse("x")))
    sb.append(0, batch("x1", "x2"))
    sb.sync()
    assert sb.clear() == 2
    assert len(sb.view) == 0 and sb.index is not None and len(sb.index) == 0
    assert sb.totals().cleared == 2
