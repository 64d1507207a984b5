"""Marks by absolute number, and merged batches keeping a source a row in the store."""

from __future__ import annotations

from logtail_tui.core.marks import Marks
from logtail_tui.core.record import MergedBatch
from logtail_tui.core.store import LogStore


def test_marks_toggle_and_neighbours() -> None:
    marks = Marks()
    assert marks.toggle(10) and marks.toggle(3) and marks.toggle(7)
    assert list(marks) == [3, 7, 10] and 7 in marks and 8 not in marks
    assert marks.after(7) == [10] and marks.before(7) == [3]
    assert marks.after(2) == [3, 7, 10] and marks.before(11) == [10, 7, 3]
    assert not marks.toggle(7)
    assert list(marks) == [3, 10]
    marks.forget_before(5)
    assert list(marks) == [10] and len(marks) == 1


def test_a_merged_batch_keeps_each_rows_source() -> None:
    store = LogStore(100)
    store.extend(MergedBatch(["a1", "b1", "a2"], [0, 0, 0], sources=bytearray([0, 1, 0])), 0)
    store.extend(MergedBatch(["b2", "c1"], [0, 0], sources=bytearray([1, 2])), 1)
    got = [(store.record(n).text, store.record(n).source) for n in range(store.first, store.end)]
    assert got == [("a1", 0), ("b1", 1), ("a2", 0), ("b2", 1), ("c1", 2)]
