"""The gate between the hub and its consumer: what passes at once, what waits, what is
released when (its timer needs a loop; here release is driven by states and toggles)."""

from __future__ import annotations

from logtail_tui.core.chunks import FileChunk
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, MergedBatch
from logtail_tui.sources.contract import SourceEvent, State, StateChanged
from logtail_tui.sources.merge_gate import MergeGate, chunk_batch


def gate(enabled: bool = True, sources: int = 2) -> tuple[MergeGate, list[tuple[int, SourceEvent]]]:
    got: list[tuple[int, SourceEvent]] = []
    return MergeGate(lambda i, e: got.append((i, e)), sources, enabled), got


def texts(got: list[tuple[int, SourceEvent]]) -> list[str]:
    return [t for _, e in got if isinstance(e, Batch) for t in e.texts]


def test_off_passes_everything_through() -> None:
    g, got = gate(enabled=False)
    batch = Batch(["x"], [0])
    g(1, batch)
    assert got == [(1, batch)]


def test_history_waits_for_every_source_then_comes_merged() -> None:
    g, got = gate()
    g(0, Batch(["2026-12-01T10:00:02Z a", "2026-12-01T10:00:04Z a"], [0, 0]))
    g(1, Batch(["2026-12-01T10:00:03Z b"], [0]))
    assert texts(got) == []
    g(0, StateChanged(State.LIVE))
    last = got[-1][1]
    assert texts(got) == [] and isinstance(last, StateChanged) and last.state is State.LIVE
    g(1, StateChanged(State.COMPLETED))
    batches = [e for _, e in got if isinstance(e, Batch)]
    assert len(batches) == 1 and isinstance(batches[0], MergedBatch)
    assert [t.split()[1] for t in texts(got)] == ["a", "b", "a"]
    assert list(batches[0].sources) == [0, 1, 0]


def test_turning_merge_off_releases_what_is_held_in_order() -> None:
    g, got = gate()
    g.set_enabled(False)
    g.set_enabled(True)  # on again, live: no history phase
    g(1, Batch(["2026-12-01T10:00:05Z late"], [0]))
    g(0, Batch(["2026-12-01T10:00:01Z early"], [0]))
    assert texts(got) == []
    g.set_enabled(False)
    assert texts(got) == ["2026-12-01T10:00:01Z early", "2026-12-01T10:00:05Z late"]
    g(0, Batch(["now direct"], [0]))
    assert texts(got)[-1] == "now direct"


def test_history_read_backwards_before_merging_goes_straight_on_top() -> None:
    g, got = gate()
    chunk = FileChunk(bytearray([0, 0]), LineParser(), blob=b"old 1\nold 2")
    chunk.history = True
    g(0, chunk)
    assert got == [(0, chunk)]


def test_one_source_is_never_held() -> None:
    g, got = gate(sources=1)
    batch = Batch(["2026-12-01T10:00:01Z only"], [0])
    g(0, batch)
    assert got == [(0, batch)]


def test_chunks_become_batches_in_bulk() -> None:
    chunk = FileChunk(
        bytearray([3, 6]), LineParser(), blob=b'plain line\n{"msg":"boom","level":"error"}'
    )
    batch = chunk_batch(chunk)
    assert batch.texts[0] == "plain line" and "boom" in batch.texts[1]
    assert batch.levels == [3, 6] and batch.raws is not None and batch.raws[1] is not None
