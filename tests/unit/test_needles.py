"""`needle_lines` against the plain per-line definition, on random log-shaped text."""

from __future__ import annotations

import random
import re
import zlib

import pytest

from logtail_tui.core.needles import needle_lines

WORDS = ["timeout", "Timeout", "TIMEOUT", "api", "db", "took", "ms", "ok", "Ünïcode", "x"]


def _lines(seed: int, n: int, density: float) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        words = [rng.choice(WORDS[5:]) for _ in range(rng.randint(0, 8))]
        if rng.random() < density:
            words.insert(rng.randint(0, len(words)), rng.choice(WORDS[:5]) * rng.randint(1, 2))
        out.append(" ".join(words) + (f" took {rng.randint(1, 999)}ms" if rng.random() < 0.3 else ""))
    return out


@pytest.mark.parametrize("density", [0.001, 0.1, 0.9])
@pytest.mark.parametrize(
    "source",
    ["timeout", "(?i)timeout", "api|db", "(?i)api|TIMEOUT", r"timeout\S*", r"(?i)time(out)+ \w+"],
)
def test_same_lines_as_asking_each_line(source: str, density: float) -> None:
    pattern = re.compile(source)
    texts = _lines(zlib.crc32(f"{source}{density}".encode()), 3000, density)
    expected = [i for i, t in enumerate(texts) if pattern.search(t)]
    assert expected, "the data must have hits for the comparison to mean something"
    joined = "\n".join(texts)
    for buffer in (joined, joined.encode()) if joined.isascii() else (joined,):
        found = needle_lines(pattern, buffer, len(texts))
        if found is not None:  # None: too dense for this path, the caller asks each line
            assert found == expected, (source, density, type(buffer))


def test_exact_literals_always_answer() -> None:
    texts = _lines(7, 2000, 0.9)
    found = needle_lines(re.compile("api|db"), "\n".join(texts), len(texts))
    assert found == [i for i, t in enumerate(texts) if "api" in t or "db" in t]


def test_no_needle_no_answer() -> None:
    assert needle_lines(re.compile(r"\d+"), "1\n2", 2) is None


def test_folding_needs_ascii() -> None:
    # str.lower is exact for IGNORECASE only on ASCII; other buffers go the regex way.
    assert needle_lines(re.compile("(?i)timeout"), "Ünïcode TIMEOUT\nx", 2) is None
