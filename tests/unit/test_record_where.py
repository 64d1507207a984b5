"""Continuation lines take their head's where answer (`follow_heads`)."""

from __future__ import annotations

from logtail_tui.core.record_where import follow_heads


def test_continuations_follow_their_head() -> None:
    flags = bytearray([1, 0, 0, 0, 1, 0])
    starts = bytes([1, 0, 0, 1, 0, 1])
    assert follow_heads(flags, starts) is False
    assert flags == bytearray([1, 1, 1, 0, 0, 0])


def test_leading_tail_takes_the_carried_answer() -> None:
    flags = bytearray([0, 0, 1])
    assert follow_heads(flags, bytes([0, 0, 1]), carry=True) is True
    assert flags == bytearray([1, 1, 1])
    flags = bytearray([1, 1, 0])
    assert follow_heads(flags, bytes([0, 0, 1]), carry=False) is False
    assert flags == bytearray([0, 0, 0])


def test_single_line_records_are_left_alone() -> None:
    flags = bytearray([1, 0, 1])
    assert follow_heads(flags, None) is True
    assert flags == bytearray([1, 0, 1])
