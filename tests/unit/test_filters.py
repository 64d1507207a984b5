"""LineFilter and the chunk engine (`lines_matching`), checked against per-line ``re.search``."""

from __future__ import annotations

import random
import re
import zlib

import pytest

from logtail_tui.core.filters import LineFilter, compile_pattern
from logtail_tui.core.matching import _plan, lines_matching
from logtail_tui.core.record import Level

# Text that tries to break the tricks: non-ASCII case pairs where str.lower() and
# re.IGNORECASE disagree (ſ/s, Kelvin sign/k, İ/i), embedded newlines, tabs, empty lines.
WORDS = [
    "timeout", "TimeOut", "db", "DB", "cache", "miss", "hit", "error", "warn", "GET", "/api/v1",
    "ms", "200", "500", "ſ", "Kelvin", "\u212aelvin", "İstanbul", "é", "naïve", "\t", " ", "", "x\ny", "a.b",
    "abc", "ABC", "health", "zebra", "ZEBRA", "^", "$", "ſtatus", "status", "-", "==", "TIMEOUT", "xAbCy", "Xabc", "abcabc", "apricot", "xapiy", "foobarbaz", "key=5", "KEY=7", "aA", "Aa",
]  # fmt: skip

PATTERNS = [
    "timeout", "TIMEOUT", "(?i)timeout", "(?i)status", "status", "zebra", "(?i)ZEBRA", "db",
    r"(?:cache|db) miss", r"\d{3}", r"\d+ ms", "^GET", "timeout$", "^$", "a.b", r"a\.b",
    "x(?i:abc)y", "(?i)x(?-i:abc)", r"\bhit\b", r"(?<=cache )miss", "(?<!cache )miss",
    "(ab|AB)c", "(abc){2}", "abc+", "s", "(?s)x.y", r"x\ny", r"\n", "", "ſ", "(?i)ſ",
    "(?i)istanbul", "(?i)kelvin", r"\s\s", "(?x) t i m e o u t ", r"(\w+) \1", "[^a-z]{4}",
    "(?a)(?i)status", r"health(?=\s)", "(?i)naïve", "api|db", "(?i)ERROR|timeout", "apple|apricot",
    "(?i)(?:zebra|status)", "x(api|dbx)y", "(?:foo|bar)+baz", "a|", "(?i)ſtatus|zebra",
    "(?:timeout|cache|db|zebra|status|hit)", "t(?:imeout|tt)", "(?i)x(?:api|ABC)",
    r"(?i)[a-z]+=\d", "(?i)(?-i:abc)", "(?i)[A-Z]{3}", r"(?i)(a)\1", r"(?i)\x41BC", r"(?i)t\w+t",
    r"(?i)^(?:get|post)\b", "(?i)[^a-z ]{2}", r"(?i)key=\d", "(?i)(?=.*db)time",
]  # fmt: skip


def random_lines(rng: random.Random, n: int) -> list[str]:
    return [" ".join(rng.choices(WORDS, k=rng.randint(0, 8))) for _ in range(n)]


def naive(pattern: re.Pattern[str], texts: list[str]) -> list[int]:
    return [i for i, t in enumerate(texts) if pattern.search(t)]


# -- lines_matching ------------------------------------------------------------------------


@pytest.mark.parametrize("source", PATTERNS)
def test_lines_matching_agrees_with_per_line_search(source: str) -> None:
    rng = random.Random(zlib.crc32(source.encode()))
    pattern = re.compile(source)
    matched_somewhere = False
    for _ in range(30):
        texts = random_lines(rng, rng.randint(0, 300))
        expected = naive(pattern, texts)
        assert lines_matching(pattern, texts) == expected
        matched_somewhere |= bool(expected)
    assert matched_somewhere, "the test data must exercise this pattern"


def test_dense_and_sparse_hits_switch_strategy_without_changing_results() -> None:
    rng = random.Random(7)
    for density in (0.0, 0.001, 0.05, 0.2, 0.9, 1.0):
        texts = [
            f"{i} request took {rng.randint(1, 999)} ms"
            + (" timeout" if rng.random() < density else "")
            for i in range(5000)
        ]
        for source in ("timeout", "(?i)TIMEOUT", r"took \d+ ms timeout", "TIMEOUT"):
            pattern = re.compile(source)
            assert lines_matching(pattern, texts) == naive(pattern, texts)


def test_sweep_that_turns_dense_hands_over_midway() -> None:
    # The sample (every 39th line of 5000) sees no hit, so the str.find sweep starts; hits
    # then turn dense in the second half and the rest is asked line by line.
    texts = [f"line {i}" + (" zebra" if i > 2500 and i % 39 else "") for i in range(5000)]
    for source in ("zebra", "(?i)ZEBRA", r"\d zebra"):
        pattern = re.compile(source)
        assert lines_matching(pattern, texts) == naive(pattern, texts)
    texts[100] = "zebra\nzebra"  # a line holding a newline cannot be swept as one blob
    assert lines_matching(re.compile("zebra"), texts) == naive(re.compile("zebra"), texts)


def test_ascii_lines_but_non_ascii_needle_uses_the_regex() -> None:
    # re.IGNORECASE lets "ſ" match "s"; str.lower() would not, so this must not be pre-filtered.
    pattern = re.compile("ſtatus", re.IGNORECASE)
    texts = ["status ok", "no", "STATUS"]
    assert lines_matching(pattern, texts) == [0, 2]


def test_non_ascii_lines_with_ascii_needle() -> None:
    pattern = re.compile("istanbul", re.IGNORECASE)
    texts = ["İstanbul", "ISTANBUL", "ankara", "ıstanbul"]
    assert lines_matching(pattern, texts) == naive(pattern, texts)
    assert lines_matching(pattern, texts)  # at least the upper-case ASCII one


def test_embedded_newline_does_not_shift_line_numbers() -> None:
    texts = ["a", "b\nzebra", "c", "zebra"]
    assert lines_matching(re.compile("zebra"), texts) == [1, 3]
    assert lines_matching(re.compile("^zebra"), texts) == [3]


# -- LineFilter ------------------------------------------------------------------------------


def test_build_rejects_bad_regex_with_one_sentence() -> None:
    with pytest.raises(ValueError) as info:
        LineFilter.build(include=["(unclosed"])
    message = str(info.value)
    assert "include" in message and "(unclosed" in message
    assert "\n" not in message and message.count(". ") == 0
    with pytest.raises(ValueError, match="exclude"):
        LineFilter.build(exclude=["[a-"])
    with pytest.raises(ValueError, match="search"):
        compile_pattern("*", "search")


def test_active_and_describe() -> None:
    assert not LineFilter().active
    assert LineFilter().describe() == ""
    assert not LineFilter.build(level=Level.TRACE).active
    assert not LineFilter.build(include=[""]).active  # empty patterns are ignored
    f = LineFilter.build(Level.WARNING, ["db"], ["health"], hidden_levels=[Level.ERROR])
    assert f.active
    assert f.describe() == "level>=warn hide:error +/db/ -/health/"
    assert LineFilter.build(hidden_levels=[Level.DEBUG]).active
    by_source = LineFilter.build(sources=[2, 0])
    assert by_source.active
    assert by_source.describe() == "from:#0,#2"
    assert by_source.describe(["app.log", "ws://x", "cmd:make"]) == "from:app.log,cmd:make"


def test_sources_filter() -> None:
    f = LineFilter.build(sources=[1])
    assert f.matches("x", Level.INFO, 1) and not f.matches("x", Level.INFO, 0)
    texts, levels = ["a", "b", "c"], bytearray([Level.INFO] * 3)
    assert f.select(texts, levels, bytearray([1, 0, 1])) == [0, 2]
    assert f.select(texts, levels, None) == []  # no column: every line is from source 0
    assert LineFilter.build(sources=[0]).select(texts, levels, None) == [0, 1, 2]


def test_hidden_levels_none_counts_as_info() -> None:
    f = LineFilter.build(hidden_levels=[Level.INFO, Level.DEBUG])
    assert not f.matches("no level", Level.NONE)
    assert not f.matches("x", Level.INFO)
    assert not f.matches("x", Level.DEBUG)
    assert f.matches("x", Level.WARNING)
    assert f.matches("x", Level.TRACE)
    # Hiding NONE is read as hiding INFO.
    assert LineFilter.build(hidden_levels=[Level.NONE]).hidden_levels == frozenset({Level.INFO})


def test_level_include_exclude_per_line() -> None:
    f = LineFilter.build(Level.WARNING, ["db", "cache"], ["health"])
    assert f.matches("db down", Level.ERROR)
    assert f.matches("mid-line cache miss", Level.WARNING)
    assert not f.matches("db down", Level.INFO)
    assert not f.matches("db health ok", Level.ERROR)
    assert not f.matches("other", Level.ERROR)
    assert not f.matches("db without level", Level.NONE)  # NONE counts as INFO


@pytest.mark.parametrize("seed", range(6))
def test_select_agrees_with_matches(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(40):
        f = LineFilter.build(
            rng.choice([Level.NONE, Level.TRACE, Level.INFO, Level.WARNING, Level.CRITICAL]),
            rng.sample(PATTERNS[:20], rng.randint(0, 2)),
            rng.sample(PATTERNS[20:], rng.randint(0, 2)),
            rng.sample(list(Level), rng.randint(0, 2)),
            rng.sample(range(3), rng.randint(0, 2)),
        )
        texts = random_lines(rng, rng.randint(0, 400))
        levels = bytearray(rng.choice(list(Level)) for _ in texts)
        sources = bytearray(rng.randrange(3) for _ in texts)
        expected = [i for i, t in enumerate(texts) if f.matches(t, levels[i], sources[i])]
        assert f.select(texts, levels, sources) == expected
        from_zero = [i for i, t in enumerate(texts) if f.matches(t, levels[i], 0)]
        assert f.select(texts, levels, None) == from_zero


def test_select_level_only_does_not_read_text() -> None:
    texts = ["a", "b", "c", "d"]
    levels = bytearray([Level.ERROR, Level.DEBUG, Level.NONE, Level.CRITICAL])
    assert LineFilter.build(Level.ERROR).select(texts, levels) == [0, 3]
    assert LineFilter.build(hidden_levels=[Level.INFO]).select(texts, levels) == [0, 1, 3]
    assert LineFilter().select(texts, levels) == [0, 1, 2, 3]


@pytest.mark.parametrize(
    ("source", "needles", "exact"),
    [
        ("(?i)timeout", ("timeout",), True),
        ("api|db", ("api", "db"), True),
        ("(?i)ERROR|Timeout", ("error", "timeout"), True),
        (r"\d+ ms took", (" ms took",), False),
        (r"(?:cache|db) miss", (" miss",), False),
        ("timeout", ("timeout",), True),
        (r"timeout \d+", (), False),  # sre's own prefix scan is as fast as str.find
        (r"\d{4}x", (), False),  # too short to be worth a pass
        ("(?i)ſtatus", (), False),  # str.lower() and IGNORECASE disagree outside ASCII
    ],
)
def test_plan_uses_the_fast_path_where_it_pays(
    source: str, needles: tuple[str, ...], exact: bool
) -> None:
    plan = _plan(re.compile(source))
    assert (plan.needles, plan.exact) == (needles, exact)


@pytest.mark.parametrize(
    ("source", "lowered"),
    [
        (r"(?i)user=\d+7", True),
        (r"(?i)[a-z]+\s\w", True),
        ("(?i)[A-Z]x", False),  # [A-Z] names upper-case letters
        ("(?i)(?-i:abc)x", False),  # a part that is case-sensitive
        (r"(?i)\x4b", False),  # 'K' written as an escape
        ("(?i)\u212a", False),  # the Kelvin sign folds to an ASCII k
        ("user", False),  # case-sensitive: nothing to lower
    ],
)
def test_plan_runs_ignorecase_patterns_on_lowered_text_only_when_exact(
    source: str, lowered: bool
) -> None:
    assert (_plan(re.compile(source)).lowered is not None) == lowered


def test_chunk_with_a_few_non_ascii_lines() -> None:
    rng = random.Random(3)
    texts = [f"GET /x user={rng.randint(1, 99)} ok" for _ in range(2000)]
    for i in rng.sample(range(2000), 20):
        texts[i] = texts[i].replace("user", rng.choice(["uſer", "USER", "Üser", "user é"]))
    for source in (r"(?i)user=\d7", "(?i)user", r"(?i)USER=\d+ OK", "ſ"):
        pattern = re.compile(source)
        assert lines_matching(pattern, texts) == naive(pattern, texts)
        assert naive(pattern, texts)


@pytest.mark.parametrize("char", ["\x1b", "\x07", "\x00", "\n", "\x9b", "\u202e"])
def test_a_pattern_holding_a_control_character_is_refused_in_one_safe_sentence(
    char: str,
) -> None:
    """It could never match a shown line, and the pattern is echoed to the terminal (the
    status bar, the filter bar): an OSC there retitled the window."""
    for build in (
        lambda p: LineFilter.build(include=[p]),
        lambda p: LineFilter.build(exclude=[p]),
        lambda p: compile_pattern(p, "search"),
    ):
        with pytest.raises(ValueError) as caught:
            build(f"x{char}]0;pwned\x07y")
        message = str(caught.value)
        assert "control character" in message and message.count(". ") == 0
        assert message.isprintable()  # shown escaped, never raw
    assert compile_pattern("a\tb").pattern == "a\tb"  # a tab is no control for this
    assert compile_pattern(r"\x1b").pattern == r"\x1b"  # an escape written out is fine
