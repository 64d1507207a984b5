"""Lines: single lines and ranges out of one buffer, exactly as splitting it would give."""

from __future__ import annotations

import random

import pytest

from logtail_tui.core.lines import STRIDE, Lines


@pytest.mark.parametrize("binary", [True, False])
def test_every_line_and_range_equals_split(binary: bool) -> None:
    rng = random.Random(5)
    lines = [
        "".join(rng.choice("ab \t") for _ in range(rng.randint(0, 12)))
        for _ in range(3 * STRIDE + 17)
    ]
    joined = "\n".join(lines)
    view = Lines(joined.encode() if binary else joined, len(lines))
    assert [view[i] for i in range(len(lines))] == lines
    assert view[-1] == lines[-1]
    for lo, hi in (
        (0, len(lines)),
        (5, 300),
        (STRIDE, 2 * STRIDE + 1),
        (700, 700),
        (780, len(lines)),
    ):
        assert view[lo:hi] == lines[lo:hi]


def test_bytes_are_decoded_with_replacement_and_crlf_dropped() -> None:
    view = Lines(b"one\r\ntw\xffo\r\nthree", 3)
    assert [view[0], view[1], view[2]] == ["one", "tw\ufffdo", "three"]
    assert view[0:3] == ["one", "tw\ufffdo", "three"]
