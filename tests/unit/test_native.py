"""The C helper (core/_native.c) against its pure-Python twins in core/native.py.

Both sides are called directly, so these tests check the C code whatever ``LOGTAIL_NATIVE``
says for the rest of the suite. The data is hostile on purpose: level words in every case and
position, brackets, every delimiter, tabs, CR, NUL, vertical tabs, invalid UTF-8, empty lines.
"""

from __future__ import annotations

import os
import random
from array import array
from itertools import accumulate

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
    return scan.letters_c(data, start, end)


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
    # A range inside a read, as plain mode passes a block's lines without copying them out.
    assert C.pick_lines(b"cut\nx\ny\nz\npart", 4, 9, b"\x00\x01\x01") == b"y\nz\n"
    assert C.pick_lines(b"x\ny", 0, 3, b"\x00\x00") == b""
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


def _lines_ref(hay: str | bytes, needle: str | bytes, pos: int, endpos: int) -> list[int]:
    """Numbers (counted from the line at ``pos``) of the lines holding ``needle`` whole
    within ``hay[pos:endpos]``, one line at a time."""
    nl = b"\n" if isinstance(hay, bytes) else "\n"
    out, start, number = [], pos, 0
    while start <= endpos:
        feed = hay.find(nl, start, endpos)  # type: ignore[arg-type]
        stop = feed if feed >= 0 else endpos
        if needle in hay[start:stop]:  # type: ignore[operator]
            out.append(number)
        if feed < 0:
            break
        start, number = feed + 1, number + 1
    return out


@pytest.mark.parametrize("seed", range(10))
def test_needle_lines_match_a_line_by_line_search(seed: int) -> None:
    from array import array
    from itertools import accumulate

    assert C is not None
    rng = random.Random(seed)
    words = ["ab", "aba", "timeout", "x", "\n", "é", "ä", " "]
    lines = [
        "".join(rng.choice(words[:4] + words[5:]) for _ in range(rng.randrange(6)))
        for _ in range(300)
    ]
    text = "\n".join(lines)
    ends = array("I", accumulate(len(t) + 1 for t in lines))
    for hay in (text, text.encode("latin-1")):
        for needle in ("ab", "aba", "timeout", "x", "ä", "abab"):
            word = needle.encode("latin-1") if isinstance(hay, bytes) else needle
            for pos, endpos in ((0, len(hay)), (ends[9], ends[200] - 1), (ends[0], ends[1] - 1)):
                want = _lines_ref(hay, word, pos, endpos)
                first = bisect_line(ends, pos)
                got, at = C.needle_lines(hay, word, pos, endpos, None, 0, True)
                assert got == want, (needle, pos, endpos)
                assert at is not None and all(hay[a : a + len(word)] == word for a in at)
                twin = native.needle_lines_python(hay, word, pos, endpos, None, 0, True)
                assert (got, at) == twin
                # Numbered by the line ends instead, the hay a slice from ``pos`` on.
                got, _ = C.needle_lines(hay[pos:], word, 0, endpos - pos, ends, pos, False)
                assert got == [first + k for k in want]
                wide = array("q", ends)
                assert C.needle_lines(hay, word, pos, endpos, wide, 0, False)[0] == got
                assert native.needle_lines_python(hay, word, pos, endpos, ends, 0)[0] == got
    assert C.needle_lines("abc", "€", 0, 3, None, 0, False) == ([], None)  # wider than the hay
    with pytest.raises(TypeError):
        C.needle_lines("ab€", "ab", 0, 3, None, 0, False)  # two bytes a character
    with pytest.raises(ValueError):
        C.needle_lines("abc", "", 0, 3, None, 0, False)


def bisect_line(ends: object, pos: int) -> int:
    from bisect import bisect_right

    return bisect_right(ends, pos)  # type: ignore[call-overload]


def test_indices_and_mark_match_python() -> None:
    assert C is not None
    rng = random.Random(3)
    mask = bytes(rng.randrange(3) for _ in range(5000))
    expected = [1000 + i for i, v in enumerate(mask) if v]
    assert list(native.indices(mask, 1000)) == expected
    from array import array

    got = array("q")
    got.frombytes(C.indices(mask, 1000))
    assert list(got) == expected
    keep = bytearray(b"\x01") * 100
    positions = rng.sample(range(10, 110), 40)
    C.mark(keep, positions, -10, 0)
    assert [i for i, v in enumerate(keep) if not v] == sorted(p - 10 for p in positions)
    with pytest.raises(IndexError):
        C.mark(keep, [200], 0, 1)


def random_text(
    seed: int, words: list[str], count: int, longest: int = 6, code: str = "q"
) -> tuple[random.Random, str, array[int]]:
    """Lines of random ``words`` joined, and their ends, as a sealed chunk has them (and the
    generator, to draw more from)."""
    rng = random.Random(seed)
    lines = [
        "".join(rng.choice(words) for _ in range(rng.randrange(longest))) for _ in range(count)
    ]
    return rng, "\n".join(lines), array(code, accumulate(len(t) + 1 for t in lines))


@pytest.mark.parametrize("seed", range(6))
def test_needle_lines_ignoring_case_match_a_lowered_copy(seed: int) -> None:
    assert C is not None
    words = ["TimeOut", "timeout", "TIMEOUT", "tiMe", "out", "Ä", "ä", "@", "`", "[", "{", " ", "T"]
    _, text, ends = random_text(seed, words, 400, 7, "I")
    for hay in (text, text.encode("latin-1")):
        lowered = hay.lower() if isinstance(hay, bytes) else hay.translate(native._ASCII_LOWER)
        for needle in ("timeout", "t", "@t", "`", "out@", "ä", "e["):
            word = needle.encode("latin-1") if isinstance(hay, bytes) else needle
            want = _lines_ref(lowered, word, 0, len(hay))
            got, at = C.needle_lines(hay, word, 0, len(hay), None, 0, True, True)
            assert got == want, needle
            assert at is not None and all(lowered[a : a + len(word)] == word for a in at)
            assert (got, at) == native.needle_lines_python(
                hay, word, 0, len(hay), None, 0, True, True
            )
            by_ends = C.needle_lines(hay, word, 0, len(hay), ends, 0, False, True)[0]
            assert by_ends == want
    assert (
        sum(
            len(C.needle_lines(text, "timeout", 0, len(text), None, 0, False, True)[0]) for _ in [0]
        )
        > 50
    )


@pytest.mark.parametrize("seed", range(8))
def test_several_needles_in_one_pass_match_each_alone(seed: int) -> None:
    """A tuple of needles gives the lines holding any, with the first offset of any in each:
    the union of one pass a needle (needles of different lengths, overlapping, case-blind,
    near the end of the range, wider than the hay)."""
    assert C is not None
    words = ["Error", "ERROR", "err", "timeout", "TimeOut", "or", "r", "ä", " ", "x", "ab"]
    _, text, ends = random_text(seed, words, 300)
    tuples = [
        ("error", "timeout"),
        ("or", "timeout"),
        ("r", "err", "ab"),
        ("timeout", "x", "ä", "€"),
    ]
    for hay in (text, text.encode("latin-1")):
        for needles in tuples:
            for fold in (False, True):
                if isinstance(hay, bytes):
                    if "€" in needles:
                        continue
                    words_ = tuple(n.encode("latin-1") for n in needles)
                else:
                    words_ = needles
                for pos, endpos in ((0, len(hay)), (ends[9], ends[200] - 1), (0, len(hay) - 2)):
                    alone = [
                        C.needle_lines(hay, w, pos, endpos, None, 0, True, fold) for w in words_
                    ]
                    first: dict[int, int] = {}
                    for line, at in sorted((x, y) for f in alone for x, y in zip(*f, strict=True)):
                        first.setdefault(line, at)
                    got = C.needle_lines(hay, words_, pos, endpos, None, 0, True, fold)
                    assert got == (list(first), list(first.values())), (needles, fold, pos)
                    assert got == native.needle_lines_python(
                        hay, words_, pos, endpos, None, 0, True, fold
                    )
                    by_ends = C.needle_lines(hay, words_, pos, endpos, ends, 0, False, fold)[0]
                    assert by_ends == [bisect_line(ends, pos) + k for k in got[0]]
                    assert len(got[0]) > 10
    most = tuple("abcdefgh"[: native.MAX_NEEDLES])  # the C helper's limit is the twin's
    assert C.needle_lines("abcdefgh", most, 0, 8, None, 0, False) == ([0], None)
    with pytest.raises(ValueError):
        C.needle_lines("abc", (*most, "x"), 0, 3, None, 0, False)
    with pytest.raises(ValueError):
        native.needle_lines_python("abc", (*most, "x"), 0, 3, None, 0, False)
    with pytest.raises(ValueError):
        C.needle_lines("abc", ("a", ""), 0, 3, None, 0, False)
    assert C.needle_lines("abc", ("€", "ℂ"), 0, 3, None, 0, False) == ([], None)


@pytest.mark.parametrize("seed", range(6))
def test_mark_needle_lines_matches_a_line_at_a_time(seed: int) -> None:
    assert C is not None
    words = ["api", "API", "db", "Db", "healthz", "x", " ", "ä", "10.0.", "d", "b"]
    rng, text, ends = random_text(seed, words, 500)
    first = 20
    mask = bytes(rng.random() < 0.3 for _ in range(400))
    for hay in (text, text.encode("latin-1")):
        for needle in ("api", "db", "d", "healthz", "10.0.", "zz"):
            word = needle.encode() if isinstance(hay, bytes) else needle
            for fold in (False, True):
                want, got = bytearray(400), bytearray(400)
                n_ref = native.mark_needle_lines_python(hay, word, ends, first, mask, want, 1, fold)
                n_c = C.mark_needle_lines(hay, word, ends, first, mask, got, 1, fold)
                assert (got, n_c) == (want, n_ref), (needle, fold)
                assert not any(g and not m for g, m in zip(got, mask, strict=True))
                same = bytearray(mask)  # mask and out the same: an exclude clears as it goes
                C.mark_needle_lines(hay, word, ends, first, same, same, 0, fold)
                assert same == bytes(m and not w for m, w in zip(mask, want, strict=True))
    assert (
        sum(
            native.mark_needle_lines_python(text, "api", ends, 0, b"\x01" * 500, bytearray(500), 1)
            for _ in [0]
        )
        > 20
    )
    with pytest.raises(ValueError):
        C.mark_needle_lines(text, "api", ends, 400, mask, bytearray(400), 1, False)  # past the ends


@pytest.fixture(scope="module")
def portable(tmp_path_factory: pytest.TempPathFactory) -> object:
    """The helper built as on a machine without SSE2 (an ARM server): the searches it uses
    there are not the ones this machine runs."""
    import importlib.util
    import shutil
    import subprocess
    import sysconfig
    from pathlib import Path

    compiler = (sysconfig.get_config_var("CC") or "cc").split()
    if shutil.which(compiler[0]) is None:
        pytest.fail(f"no C compiler ({compiler[0]}) to build the portable helper with")
    core = Path(native.__file__).parent
    out = tmp_path_factory.mktemp("portable") / f"_native{sysconfig.get_config_var('EXT_SUFFIX')}"
    sources = [
        str(core / f"{name}.c")
        for name in ("_native", "_native_lines", "_native_find", "_native_regex")
    ]
    subprocess.run(
        [
            *compiler,
            "-shared",
            "-fPIC",
            "-O2",
            "-U__SSE2__",
            f"-I{sysconfig.get_paths()['include']}",
            *sources,
            "-o",
            str(out),
        ],
        check=True,
    )
    spec = importlib.util.spec_from_file_location("_native", out)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("seed", range(4))
def test_the_portable_searches_find_what_these_do(portable: object, seed: int) -> None:
    """Needles alone and together, either case, near the ends of lines and of the range."""
    assert C is not None
    words = ["Error", "ERROR", "err", "timeout", "TimeOut", "or", "r", "@", "`", "[", " ", "x"]
    _, text, ends = random_text(seed, words, 400)
    found = 0
    for hay in (text, text.encode("latin-1")):
        for needles in ("timeout", "r", "e[", ("error", "timeout"), ("r", "err", "`", "x")):
            if isinstance(hay, bytes):
                needles = (
                    needles.encode()
                    if isinstance(needles, str)
                    else tuple(n.encode() for n in needles)
                )  # type: ignore[assignment]
            for fold in (False, True):
                for pos, endpos in ((0, len(hay)), (ends[9], ends[200] - 1), (0, len(hay) - 2)):
                    want = C.needle_lines(hay, needles, pos, endpos, None, 0, True, fold)
                    got = portable.needle_lines(hay, needles, pos, endpos, None, 0, True, fold)  # type: ignore[attr-defined]
                    assert (
                        got
                        == want
                        == native.needle_lines_python(
                            hay, needles, pos, endpos, None, 0, True, fold
                        )
                    )
                    found += len(got[0])
                if isinstance(needles, tuple):
                    continue
                keep = bytes(random.Random(seed).randrange(2) for _ in range(len(ends)))
                outs = [bytearray(len(ends)) for _ in range(3)]
                C.mark_needle_lines(hay, needles, ends, 0, keep, outs[0], 1, fold)
                portable.mark_needle_lines(hay, needles, ends, 0, keep, outs[1], 1, fold)  # type: ignore[attr-defined]
                native.mark_needle_lines_python(hay, needles, ends, 0, keep, outs[2], 1, fold)
                assert outs[0] == outs[1] == outs[2]
                found += outs[0].count(1)
    assert found > 1000
