"""The regex automaton (core/automaton.py, core/_native_regex.c) finds exactly the lines that
a per-line ``pattern.search`` finds, or declines."""

from __future__ import annotations

import random
import re
from array import array
from collections.abc import Callable
from typing import Any

import pytest

from logtail_tui.core import native
from logtail_tui.core.automaton import automaton_lines, build, compiled
from logtail_tui.core.chunks import FileChunk, TextChunk
from logtail_tui.core.matching import plan_for
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch
from logtail_tui.core.scan import lines_in

pytestmark = pytest.mark.skipif(not native.ENABLED, reason="the automaton runs in the C helper")

PATTERNS = {  # each with a line it matches, planted among random ones
    r"took \d+ms": "db took 12ms",
    r"user=\d+7 ": "user=417 x",
    r"GET .* 200": "GET /x 200",
    r"\d{3} ms": "slow 431 ms",
    r"(?i)ERROR|timeout\d": "an Error",
    r"^2026.*WARN": "2026-01-01 WARN x",
    r"ms$": "took 5ms",
    r"^a.*b$": "a-b",
    r"a[^b]c": "xaxc",
    r"(?i)get\s+/api": "GeT \t/API",
    r"x{2,4}y": "xxxy",
    r"(ab|cd)+e": "abcdabe",
    r"(?:a|b?)+c": "bbac",
    r"[\w.]+@": "a.b@c",
    r"\S\s\S": "a b",
    r"[^\x00-\x1f]z": "az",
    r"\x1b\[\d*m": "\x1b[31m red",
    r"\t|\x00": "a\tb",
    r"(?i:K)b": "kb",
    r"(?i)[a-c][^x-z]": "Bq",
    r"a(?-i:B)": "aB",
    r"\Wq\W": " q ",
    r"[\d\s]{2,}0": "1 0",
    r"a.{0,3}?b": "a12b",
    r"(?:ok|)x": "okx",
    r"(?i)user=\d+7 ": "USER=17 ",
    r"\d+ms user=1": "5ms user=1",
    r"(?i)[a-z]+ took": "Db took",
    r"(?i)error \d|timeout after \d": "TIMEOUT after 3",
}
ALPHABET = "abcxyzqABKk0179 msGET/-_.@\t\x00\x1b[\x0b\x0c\x1c\x1d\r~=WARN2026"


def random_lines(rng: random.Random, n: int, planted: str, longest: int = 40) -> list[str]:
    lines = [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest))) for _ in range(n)
    ]
    for k in rng.sample(range(n), n // 4):
        lines[k] = rng.choice([lines[k], ""]) + planted + rng.choice(["", lines[k]])
    return lines


def per_line(pattern: re.Pattern[str], lines: list[str]) -> list[int]:
    return [k for k, line in enumerate(lines) if pattern.search(line)]


def leads(pattern: re.Pattern[str]) -> list[tuple[tuple[str, ...], bool, bool]]:
    """The literals every match of ``pattern`` holds, as `automaton_lines` may pass them."""
    plan = plan_for(pattern)
    if plan.needles:
        return [(plan.needles, plan.fold, False)]
    return [((plan.prefix,), plan.fold, True)] if len(plan.prefix) >= 2 else []


def program(source: str) -> bytes:
    found = compiled(re.compile(source))
    assert found is not None, source
    return found[0]


@pytest.mark.parametrize("source", PATTERNS)
def test_every_way_finds_the_lines_search_finds(source: str) -> None:
    pattern = re.compile(source)
    automaton = build(pattern)
    assert automaton is not None
    rng = random.Random(source)
    matched = 0
    for _ in range(40):
        lines = random_lines(rng, 30, PATTERNS[source])
        want = per_line(pattern, lines)
        matched += len(want)
        text = "\n".join(lines)
        assert [k for k, line in enumerate(lines) if automaton.matches(line.encode())] == want
        assert native.regex_scan(program(source), text, 0, len(text)) == want
        assert native.regex_scan(program(source), text.encode(), 0, len(text)) == want
        for words, fold, starts in leads(pattern):  # the literal found first
            got = native.regex_scan(program(source), text, 0, len(text), words, fold, starts)
            assert got == want
            encoded = tuple(w.encode() for w in words)
            hay = text.encode()
            assert (
                native.regex_scan(program(source), hay, 0, len(hay), encoded, fold, starts) == want
            )
    assert 40 <= matched < 40 * 30  # the planted matches, and lines without


@pytest.mark.parametrize("source", PATTERNS)
def test_a_range_of_the_buffer_counts_lines_from_its_start(source: str) -> None:
    pattern = re.compile(source)
    lines = random_lines(random.Random(1), 200, PATTERNS[source])
    text = "\n".join(lines)
    lo = sum(len(line) + 1 for line in lines[:50])
    hi = lo + sum(len(line) + 1 for line in lines[50:120]) - 1
    want = per_line(pattern, lines[50:120])
    assert want and native.regex_scan(program(source), text, lo, hi) == want
    for words, fold, starts in leads(pattern):
        assert native.regex_scan(program(source), text, lo, hi, words, fold, starts) == want


@pytest.mark.parametrize(
    "source",
    [
        r"\s",
        r"\S",
        r"\w",
        r"\W",
        r"\d",
        r"\D",
        ".",
        "[^a]",
        "(?i)k",
        "(?i)[a-c]",
        r"[\W_]",
        r"[^\S\t]",
        r"(?a)\w",
        r"(?i)\x1b",
        r"[\]\-^]",
    ],
)
def test_each_class_holds_the_ascii_characters_re_gives_it(source: str) -> None:
    chars = [chr(c) for c in range(128) if c != 10]
    text = "\n".join(chars)
    assert native.regex_scan(program(source), text, 0, len(text)) == per_line(
        re.compile(source), chars
    )


@pytest.mark.parametrize(
    "source",
    [
        r"\bms\b",
        r"ms(?=x)",
        r"(?<!a)b",
        r"(a)\1",
        "a*",
        "^$",
        "(?:)",
        r"a{65}",
        r"(?>ab)c",
        "a*+b",
        r"(a)?(?(1)b|c)",
        r"\Aa",
        "x^y",
        "a|^b",
        r"x(){0,4000000000}",  # an empty body repeated: no positions, so no end of copies
        r"(?:){3,}a",
        "timeout",
    ],
)
def test_what_it_cannot_do_is_left_to_re(source: str) -> None:
    pattern = re.compile(source)
    if source == "timeout":  # a literal: the needle search does it better
        assert build(pattern) is not None
        assert automaton_lines(pattern, "a timeout\nb", 0, 11) is None
        return
    if source in (r"x(){0,4000000000}", r"(?:){3,}a"):  # like x or a: built, in no time
        automaton = build(pattern)
        assert automaton is not None and len(automaton.follow) == 1
        return
    assert build(pattern) is None


def test_64_positions_fit() -> None:
    lines = ["a" * 63, "a" * 64, "b" + "a" * 70, "a" * 32 + "b" + "a" * 32]
    text = "\n".join(lines)
    assert native.regex_scan(program("a{64}"), text, 0, len(text)) == [1, 2]


def test_megabyte_lines_and_hostile_bytes() -> None:
    pattern = re.compile(r"took \d+ms$")
    lines = ["x" * 1_000_000 + " took 5ms", "\x1b[31m took 5ms\x00", "took 5ms", "took ms", ""]
    hay = "\n".join(lines).encode()
    assert per_line(pattern, lines) == [0, 2]
    assert native.regex_scan(program(pattern.pattern), hay, 0, len(hay)) == [0, 2]
    assert native.regex_scan(
        program(pattern.pattern), hay, 0, len(hay), (b"took ",), False, True
    ) == [0, 2]


def test_bad_arguments_are_refused() -> None:
    code = program(r"a\d")
    with pytest.raises(ValueError, match="automaton"):
        native.regex_scan(code[:-8], "a1", 0, 2)
    words = array("Q", code)
    words[1] |= 1 << 20  # a state bit past the one table of 8 positions
    with pytest.raises(ValueError, match="automaton"):
        native.regex_scan(words.tobytes(), "a1", 0, 2)
    with pytest.raises(TypeError):
        native.regex_scan(code, "\u0101", 0, 1)  # two bytes a character: not its input
    with pytest.raises(ValueError, match="needles"):
        native.regex_scan(code, "a1", 0, 2, ("a",) * 5)
    assert native.regex_scan(code, "a1", 0, 2, ("\u0101",)) == []  # wider than the hay


def spy(monkeypatch: pytest.MonkeyPatch, name: str) -> list[Any]:
    calls: list[Any] = []
    real: Callable[..., list[int]] = getattr(native, name)

    def counted(*args: Any) -> list[int]:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(native, name, counted)
    return calls


def chunks(lines: list[str]) -> list[FileChunk | TextChunk]:
    blob = "\n".join(lines).encode()
    text_chunk = TextChunk()
    text_chunk.append(Batch(lines, [0] * len(lines)), 0)
    text_chunk.seal()
    return [FileChunk(bytearray(len(lines)), LineParser(), blob=blob), text_chunk]


@pytest.mark.parametrize(("source", "led"), [(r"took \d+ms", False), (r"\d{3} ms", True)])
def test_chunk_filters_run_the_automaton(
    monkeypatch: pytest.MonkeyPatch, source: str, led: bool
) -> None:
    """A pattern that begins with one byte skips to it line by line; one that may begin
    with any digit has its literal (`` ms``) found first."""
    rng = random.Random(5)
    lines = [f"{k} db query took {rng.randint(1, 999)}ms rows={k % 7}" for k in range(3000)]
    for k in range(0, 3000, 97):
        lines[k] = f"{k} slow: 431 ms"
    pattern = re.compile(source)
    scans = spy(monkeypatch, "regex_scan")
    for chunk in chunks(lines):
        want = [100 + k for k in per_line(pattern, lines[100:2900])]
        assert want and lines_in(pattern, chunk, 100, 2900) == want
    assert len(scans) == 2
    assert all((len(args) > 4) == led for args in scans)


def test_non_ascii_text_is_left_to_re(monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = re.compile(r"(?i)tok\w+")
    lines = [f"{k} tokén ſ" if k % 2 else f"{k} TOKEN" for k in range(400)]
    scans = spy(monkeypatch, "regex_scan")
    assert lines_in(pattern, chunks(lines)[1], 0, 400) == per_line(pattern, lines)
    assert scans == []
