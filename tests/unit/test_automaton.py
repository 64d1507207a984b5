"""The regex automaton (core/automaton.py, core/_native_regex.c) finds exactly the lines that
a per-line ``pattern.search`` finds, or declines."""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from typing import Any

import pytest

from logtail_tui.core import native
from logtail_tui.core.automaton import automaton_lines, build, program_for
from logtail_tui.core.chunks import FileChunk, TextChunk
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch
from logtail_tui.core.scan import lines_in

pytestmark = pytest.mark.skipif(not native.ENABLED, reason="the automaton runs in the C helper")

PATTERNS = [
    r"took \d+ms",
    r"user=\d+7 ",
    r"GET .* 200",
    r"\d{3} ms",
    r"(?i)ERROR|timeout\d",
    r"^2026.*WARN",
    r"ms$",
    r"^a.*b$",
    r"a[^b]c",
    r"(?i)get\s+/api",
    r"x{2,4}y",
    r"(ab|cd)+e",
    r"(?:a|b?)+c",
    r"[\w.]+@",
    r"\S\s\S",
    r"[^\x00-\x1f]z",
    r"\x1b\[\d*m",
    r"\t|\x00",
    r"(?i:K)b",
    r"(?i)[a-c][^x-z]",
    r"a(?-i:B)",
    r"\Wq\W",
    r"[\d\s]{2,}0",
    r"a.{0,3}?b",
    r"(?:ok|)x",
]
ALPHABET = "abcxyzqABKk0179 msGET/-_.@\t\x00\x1b[\x0b\x0c\x1c\x1d\r~=WARN2026"


def random_lines(rng: random.Random, n: int, longest: int = 40) -> list[str]:
    lines = [
        "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, longest))) for _ in range(n)
    ]
    for k in rng.sample(range(n), n // 4):  # plant matches of the benchmark-like patterns
        lines[k] += rng.choice([" took 12ms", " GET /x 200", " user=17 ", " 123 ms", " ab"])
    return lines


def per_line(pattern: re.Pattern[str], lines: list[str]) -> list[int]:
    return [k for k, line in enumerate(lines) if pattern.search(line)]


@pytest.mark.parametrize("source", PATTERNS)
def test_every_way_finds_the_lines_search_finds(source: str) -> None:
    pattern = re.compile(source)
    automaton = build(pattern)
    program = program_for(pattern)
    assert automaton is not None and program is not None, source
    rng = random.Random(source)
    for _ in range(40):
        lines = random_lines(rng, 30)
        want = per_line(pattern, lines)
        text = "\n".join(lines)
        assert [k for k, line in enumerate(lines) if automaton.matches(line.encode())] == want
        assert native.regex_scan(program, text, 0, len(text)) == want
        assert native.regex_scan(program, text.encode(), 0, len(text)) == want
        # Asked line by line, from any offset inside each line.
        starts = [0]
        for line in lines[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        at = [s + rng.randint(0, len(line)) for s, line in zip(starts, lines, strict=True)]
        everyone = list(range(len(lines)))
        assert native.regex_lines(program, text, 0, len(text), everyone, at) == want


@pytest.mark.parametrize("source", PATTERNS)
def test_a_range_of_the_buffer_counts_lines_from_its_start(source: str) -> None:
    pattern = re.compile(source)
    program = program_for(pattern)
    assert program is not None
    lines = random_lines(random.Random(1), 200)
    text = "\n".join(lines)
    lo = sum(len(line) + 1 for line in lines[:50])
    hi = lo + sum(len(line) + 1 for line in lines[50:120]) - 1
    assert native.regex_scan(program, text, lo, hi) == per_line(pattern, lines[50:120])


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
    pattern = re.compile(source)
    program = program_for(pattern)
    assert program is not None
    chars = [chr(c) for c in range(128) if c != 10]
    text = "\n".join(chars)
    assert native.regex_scan(program, text, 0, len(text)) == per_line(pattern, chars)


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
        "timeout",
    ],
)
def test_what_it_cannot_do_is_left_to_re(source: str) -> None:
    pattern = re.compile(source)
    if source == "timeout":  # a literal: the needle search does it better
        assert build(pattern) is not None
        assert automaton_lines(pattern, "a timeout\nb", 0, 11, 2) is None
        return
    assert build(pattern) is None


def test_64_positions_fit() -> None:
    pattern = re.compile("a{64}")
    program = program_for(pattern)
    assert program is not None
    lines = ["a" * 63, "a" * 64, "b" + "a" * 70, "a" * 32 + "b" + "a" * 32]
    text = "\n".join(lines)
    assert native.regex_scan(program, text, 0, len(text)) == [1, 2]


def test_megabyte_lines_and_hostile_bytes() -> None:
    pattern = re.compile(r"took \d+ms$")
    program = program_for(pattern)
    assert program is not None
    lines = ["x" * 1_000_000 + " took 5ms", "\x1b[31m took 5ms\x00", "took 5ms", "took ms", ""]
    text = "\n".join(lines)
    assert native.regex_scan(program, text.encode(), 0, len(text)) == per_line(pattern, lines)
    assert per_line(pattern, lines) == [0, 2]


def test_bad_arguments_are_refused() -> None:
    program = program_for(re.compile(r"a\d"))
    assert program is not None
    with pytest.raises(ValueError, match="automaton"):
        native.regex_scan(program[:-8], "a1", 0, 2)
    with pytest.raises(IndexError):
        native.regex_lines(program, "a1\nb", 0, 4, [0], [9])
    with pytest.raises(ValueError, match="one length"):
        native.regex_lines(program, "a1\nb", 0, 4, [0, 1], [0])
    with pytest.raises(TypeError):
        native.regex_scan(program, "\u0101", 0, 1)  # two bytes a character: not its input


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


@pytest.mark.parametrize(("source", "dense"), [(r"took \d+ms", True), (r"\d{3} ms", False)])
def test_chunk_filters_run_the_automaton(
    monkeypatch: pytest.MonkeyPatch, source: str, dense: bool
) -> None:
    """A dense or prefix pattern scans every line; a rare needle is found first."""
    rng = random.Random(5)
    lines = [f"{k} db query took {rng.randint(1, 999)}ms rows={k % 7}" for k in range(3000)]
    for k in range(0, 3000, 97):
        lines[k] = f"{k} slow: 431 ms"
    pattern = re.compile(source)
    scans, verifies = spy(monkeypatch, "regex_scan"), spy(monkeypatch, "regex_lines")
    for chunk in chunks(lines):
        assert lines_in(pattern, chunk, 100, 2900) == [
            100 + k for k in per_line(pattern, lines[100:2900])
        ]
    assert (len(scans), len(verifies)) == ((2, 0) if dense else (0, 2))


def test_non_ascii_text_is_left_to_re(monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = re.compile(r"(?i)tok\w+")
    lines = [f"{k} tokén ſ" if k % 2 else f"{k} TOKEN" for k in range(400)]
    scans = spy(monkeypatch, "regex_scan")
    assert lines_in(pattern, chunks(lines)[1], 0, 400) == per_line(pattern, lines)
    assert scans == []
