"""The C helper (core/_native.c) against its pure-Python twins in core/native.py.

Both sides are called directly, so these tests check the C code whatever ``LOGTAIL_NATIVE``
says for the rest of the suite. The data is hostile on purpose: level words in every case and
position, brackets, every delimiter, tabs, CR, NUL, vertical tabs, invalid UTF-8, empty lines.
"""

from __future__ import annotations

import os
import random

import pytest

from logtail_tui.core import native
from logtail_tui.core.bulk import _fast_words, _letter_bytes, _scan

if native._native is None and os.environ.get("LOGTAIL_NATIVE") == "0":
    pytest.skip("LOGTAIL_NATIVE=0: the C helper is not built here", allow_module_level=True)

C = native._native


def test_the_helper_is_built() -> None:
    assert C is not None, (
        "logtail_tui/core/_native.c was not compiled at install: install a C compiler and "
        "Python's headers and reinstall, or set LOGTAIL_NATIVE=0 to test without it"
    )
    assert (os.environ.get("LOGTAIL_NATIVE") != "0") == native.ENABLED


_PIECES = [
    *(w.encode() for w in _fast_words(True)),
    b"WARN",
    b"ERROR",
    b"INFO",
    b"DEBUG",
    b"FATAL",
    b"WARNING",
    b"ERR",
    b"WARNINGS",
    b"Error",
    b"warn",
    b"[",
    b"]",
    b"<",
    b">",
    b"(",
    b")",
    b"|",
    b"{",
    b"}",
    b":",
    b",",
    b";",
    b".",
    b" ",
    b"  ",
    b"\t",
    b"\r",
    b"\x0b",
    b"\x0c",
    b"\x00",
    b"\xff\xfe",
    b"caf\xc3\xa9",
    b"2026-12-01T10:00:00.000Z",
    b"12:00:01",
    b"x",
    b"abc",
    b"-",
    b"E",
    b"W",
]


def _random_block(rng: random.Random, lines: int) -> bytes:
    out = []
    for _ in range(lines):
        roll = rng.random()
        if roll < 0.05:
            out.append(b"")
        elif roll < 0.5:  # shaped like a log line: stamp, level, message
            level = rng.choice(_PIECES[:40])
            wrap = rng.choice([(b"", b""), (b"[", b"]"), (b"<", b">"), (b"", b":")])
            tail = b"".join(rng.choice(_PIECES) for _ in range(rng.randrange(4)))
            sep = rng.choice([b" ", b"  ", b"\t"])
            out.append(b"2026-12-01T10:00:00.000Z" + sep + wrap[0] + level + wrap[1] + tail)
        else:
            out.append(b"".join(rng.choice(_PIECES) for _ in range(rng.randrange(8))))
    return b"\n".join(out)


def _scans() -> list[native.LevelScan]:
    scans = []
    for bracketed in (False, True):
        for tokens in (0, 1, 2, 3):
            scans.append(_scan(tokens, bracketed))
        for column in (0, 1, 24, 25, 26):
            scans.append(_scan(0, bracketed, column))
    return scans


def _c_letters(scan: native.LevelScan, data: bytes, start: int, end: int) -> bytearray:
    assert C is not None
    return C.level_letters(  # type: ignore[no-any-return]
        data,
        start,
        end,
        -1 if scan.tokens is None else scan.tokens,
        scan.column,
        scan.openers,
        scan.words,
        scan.delims,
        not scan.bracketed,
        scan.table,
    )


@pytest.mark.parametrize("seed", range(12))
def test_level_letters_match_the_regex_on_hostile_lines(seed: int) -> None:
    assert C is not None
    rng = random.Random(seed)
    data = _random_block(rng, 400)
    found_levels = 0
    for scan in _scans():
        expected = scan.letters_python(data, 0, len(data))
        assert _c_letters(scan, data, 0, len(data)) == expected, (seed, scan.tokens, scan.column)
        found_levels += sum(1 for v in expected if v)
        # A range inside a bigger buffer, starting just after a line feed (as blocks are).
        cut = data.index(b"\n", len(data) // 3) + 1
        stop = data.rindex(b"\n", 0, 2 * len(data) // 3)
        assert _c_letters(scan, data, cut, stop) == scan.letters_python(data, cut, stop)
    assert found_levels > 100, "the data should give the scans levels to find"


def test_level_letters_at_the_edges() -> None:
    scan = _scan(1, False)
    for data in (b"", b"x", b"2026 WARN", b"2026 WARN\n", b"\n\n", b"2026 WARNX", b"a ERROR:"):
        assert _c_letters(scan, data, 0, len(data)) == scan.letters_python(data, 0, len(data))
    assert list(_c_letters(scan, b"2026 WARN", 0, 9)) == [_letter_bytes(False)[ord("W")]]
    assert list(_c_letters(scan, b"2026 WARN", 0, 8)) == [0]  # WAR: no word
    with pytest.raises(ValueError):
        _c_letters(scan, b"abc", 2, 1)


def test_level_letters_treat_every_byte_as_the_regex_does() -> None:
    """Each byte value as a token's end, a separator, an opener and a word's end."""
    lines = []
    for byte in range(256):
        if byte == 10:
            continue
        b = bytes([byte])
        lines += [b"x" + b + b" WARN", b"x " + b + b"WARN", b"x WARN" + b, b"x " + b + b"warn]"]
        lines += [b + b"ERROR x", b"ts" + b + b"[Error" + b + b" y"]
    data = b"\n".join(lines)
    for scan in _scans():
        assert _c_letters(scan, data, 0, len(data)) == scan.letters_python(data, 0, len(data))


@pytest.mark.parametrize("seed", range(8))
def test_pick_lines_matches_splitting(seed: int) -> None:
    assert C is not None
    rng = random.Random(seed)
    data = _random_block(rng, 300)
    n = data.count(b"\n") + 1
    for density in (0.0, 0.1, 0.5, 1.0):
        keep = bytes(1 if rng.random() < density else 0 for _ in range(n))
        assert C.pick_lines(data, 0, len(data), keep) == native.pick_lines_python(
            data, 0, len(data), keep
        )
    keep = bytes(rng.randrange(3) for _ in range(n))  # any non-zero byte keeps
    assert C.pick_lines(data, 0, len(data), keep) == native.pick_lines_python(
        data, 0, len(data), keep
    )
    assert C.pick_lines(b"a\n\nb", 0, 4, b"\x01\x01\x00") == b"a\n\n"
    with pytest.raises(ValueError):
        C.pick_lines(data, 0, len(data), bytes(n - 1))
    with pytest.raises(ValueError):
        native.pick_lines_python(data, 0, len(data), bytes(n - 1))


def test_is_clean_matches_translate_for_every_byte() -> None:
    assert C is not None
    for byte in range(256):
        for data in (bytes([byte]), b"x" * 5000 + bytes([byte]) + b"y" * 5000):
            assert C.is_clean(data, 0, len(data)) == native.is_clean_python(data, 0, len(data))
    data = b"clean line\n" * 1000 + b"\x1b[31m"
    assert C.is_clean(data, 0, 11000)
    assert not C.is_clean(data, 0, len(data))
    assert native.is_clean_python(data, 0, 11000)
