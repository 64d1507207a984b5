"""The merger orders lines of several sources by time within the reorder window."""

from __future__ import annotations

from logtail_tui.core.merge import HISTORY_QUIET, TimeMerger
from logtail_tui.core.record import Batch, MergedBatch
from logtail_tui.core.time_range import parse_instant

T0 = 1_790_000_000.0  # a fixed "now"


def line(seconds: float, text: str) -> str:
    """A text line stamped ``seconds`` after 2026-01-01T00:00:00Z."""
    whole = int(seconds)
    millis = round((seconds - whole) * 1000)
    return f"2026-01-01T00:{whole // 60:02d}:{whole % 60:02d}.{millis:03d}Z {text}"


def texts(runs: list[tuple[int, Batch]]) -> list[str]:
    """``source:text`` of each released row (without its time)."""
    out = []
    for source, batch in runs:
        tags = batch.sources if isinstance(batch, MergedBatch) else [source] * len(batch)
        out += [f"{s}:{t.split(' ', 1)[1]}" for s, t in zip(tags, batch.texts, strict=True)]
    return out


def live(sources: int = 2, window: float = 0.2, max_held: int = 1_000_000) -> TimeMerger:
    return TimeMerger(sources, window, history=False, max_held=max_held)


def test_lines_within_the_window_come_out_in_time_order() -> None:
    m = live()
    m.push(0, Batch([line(2, "a2"), line(4, "a4")], [0, 0]), T0)
    m.push(1, Batch([line(1, "b1"), line(3, "b3"), line(5, "b5")], [0, 0, 0]), T0 + 0.05)
    assert m.release(T0 + 0.1) == []  # nothing is due yet
    assert m.next_deadline() == T0 + 0.2
    out = m.release(T0 + 0.26)
    assert texts(out) == ["1:b1", "0:a2", "1:b3", "0:a4", "1:b5"]
    assert len(out) == 1 and isinstance(out[0][1], MergedBatch)  # one batch, a source a row
    assert out[0][0] == 1 and list(out[0][1].sources) == [1, 0, 1, 0, 1]
    assert m.held == 0 and m.next_deadline() is None


def test_continuation_lines_travel_with_their_record() -> None:
    m = live()
    trace = [
        line(2, "a2 boom"),
        "Traceback (most recent call last):",
        '  File "x.py"',
        line(6, "a6"),
    ]
    m.push(0, Batch(trace, [0] * 4), T0)
    m.push(1, Batch([line(3, "b3"), line(5, "b5")], [0, 0]), T0)
    got = [t for _, b in m.release(T0 + 1) for t in b.texts]
    assert got == [trace[0], trace[1], trace[2], line(3, "b3"), line(5, "b5"), trace[3]]


def test_structured_times_are_used() -> None:
    m = live()
    m.push(0, Batch(["late"], [3], ["2026-01-01T00:00:09Z"]), T0)
    m.push(1, Batch(["early"], [3], ["2026-01-01T00:00:01Z"]), T0)
    assert [t for _, b in m.release(T0 + 1) for t in b.texts] == ["early", "late"]


def test_a_far_behind_source_does_not_hold_the_others_past_the_window() -> None:
    m = live()
    # Source 1's clock is an hour behind and it keeps writing; source 0 is on time.
    for step in range(10):
        now = T0 + step * 0.1
        m.push(0, Batch([line(3600 + step, f"a{step}")], [0]), now)
        m.push(1, Batch([line(step, f"b{step}")], [0]), now)
        released = m.release(now)
        # Whatever is released, nothing older than the window is still held.
        for queue_source in (0, 1):
            for seg in m._queues[queue_source]:
                assert seg.arrival > now - 0.2 - 1e-9
        del released
    assert m.next_deadline() is not None and m.next_deadline() <= T0 + 0.9 + 0.2 + 1e-9


def test_an_idle_source_does_not_stall_release() -> None:
    m = live(3)
    m.push(0, Batch([line(1, "a1")], [0]), T0)
    # Sources 1 and 2 send nothing at all.
    assert texts(m.release(T0 + 0.21)) == ["0:a1"]


def test_a_far_ahead_line_is_released_by_its_deadline_not_before() -> None:
    m = live()
    m.push(0, Batch([line(3000, "ahead")], [0]), T0)
    m.push(1, Batch([line(1, "b1")], [0]), T0 + 0.15)
    assert texts(m.release(T0 + 0.21)) == ["1:b1", "0:ahead"]  # b1 sorts before it: goes too


def test_memory_is_bounded() -> None:
    m = live(2, window=60.0, max_held=1000)
    for i in range(30):
        m.push(
            i % 2,
            Batch([line(i * 0.01 + k * 0.001, f"x{i}.{k}") for k in range(100)], [0] * 100),
            T0,
        )
        m.release(T0)
        assert m.held <= 1000


def test_history_is_merged_whole_once_every_source_is_done() -> None:
    m = TimeMerger(2, 0.2, history=True)
    m.push(0, Batch([line(s, f"a{s}") for s in range(0, 10, 2)], [0] * 5), T0)
    m.push(1, Batch([line(s, f"b{s}") for s in range(1, 10, 2)], [0] * 5), T0 + 5)
    m.history_done(0)
    assert m.release(T0 + 5.5) == []  # source 1 may still send history
    m.history_done(1)
    assert [t.split()[1] for _, b in m.release(T0 + 5.5) for t in b.texts] == [
        "a0",
        "b1",
        "a2",
        "b3",
        "a4",
        "b5",
        "a6",
        "b7",
        "a8",
        "b9",
    ]


def test_history_of_a_silent_source_is_released_after_a_quiet_spell() -> None:
    m = TimeMerger(2, 0.2, history=True)
    m.push(0, Batch([line(1, "a1")], [0]), T0)
    assert m.release(T0 + HISTORY_QUIET / 2) == []
    assert texts(m.release(T0 + HISTORY_QUIET + 0.01)) == ["0:a1"]


def test_untimed_source_lines_are_keyed_by_arrival() -> None:
    m = live()
    now = parse_instant("2026-01-01T00:00:05Z")
    m.push(0, Batch(["no time here"], [0]), now)
    m.push(1, Batch([line(4, "b4"), line(6, "b6")], [0, 0]), now)
    assert texts(m.release(now + 1)) == ["1:b4", "0:time here", "1:b6"]


def test_everything_releases_all_in_order() -> None:
    m = live()
    m.push(1, Batch([line(2, "b2")], [0]), T0)
    m.push(0, Batch([line(1, "a1")], [0]), T0)
    assert texts(m.release(T0, everything=True)) == ["0:a1", "1:b2"]


def test_a_source_keeps_its_own_order_when_its_times_go_back() -> None:
    m = live()
    m.push(0, Batch([line(5, "a5"), line(3, "a3-after-a5")], [0, 0]), T0)
    m.push(1, Batch([line(4, "b4")], [0]), T0)
    assert texts(m.release(T0 + 1)) == ["1:b4", "0:a5", "0:a3-after-a5"]
