"""The where language: tokens, every operator, precedence, and errors with their column."""

from __future__ import annotations

import re

import pytest

from logtail_tui.core.where import And, Compare, Has, Not, Or, ParseError, parse, tokenize


def test_every_operator_is_read_with_its_value() -> None:
    for op in ("=", "!=", "<", "<=", ">", ">=", "~", "!~"):
        node = parse(f"status{op}500")
        assert isinstance(node, Compare)
        assert (node.field, node.op, node.value.text, node.value.number) == (
            "status",
            op,
            "500",
            500.0,
        )
    node = parse("svc == api")
    assert isinstance(node, Compare) and node.op == "=" and node.value.number is None


def test_values_numbers_quoted_and_bare() -> None:
    assert parse("d>1.5e3").value.number == 1500.0  # type: ignore[union-attr]
    assert parse("d>-2").value.number == -2.0  # type: ignore[union-attr]
    quoted = parse('code="503"')
    assert (
        isinstance(quoted, Compare) and quoted.value.number is None and quoted.value.text == "503"
    )
    single = parse(r"msg='it\'s (here)'")
    assert isinstance(single, Compare) and single.value.text == "it's (here)"
    bare = parse("path~^/api/v[12]")
    assert isinstance(bare, Compare) and bare.value.text == "^/api/v[12]"
    assert parse("v=12abc").value.number is None  # type: ignore[union-attr]
    dotted = parse("http.status>=500")
    assert isinstance(dotted, Compare) and dotted.field == "http.status"


def test_precedence_not_binds_tighter_than_and_than_or() -> None:
    node = parse("a=1 or b=2 and not c=3")
    assert isinstance(node, Or)
    assert isinstance(node.left, Compare) and node.left.field == "a"
    assert isinstance(node.right, And)
    assert isinstance(node.right.right, Not)
    grouped = parse("(a=1 or b=2) and c=3")
    assert isinstance(grouped, And) and isinstance(grouped.left, Or)


def test_symbolic_and_case_blind_keywords() -> None:
    def shape(text: str) -> str:
        return re.sub(r"pos=\d+", "", repr(parse(text)))

    assert shape("a=1 && b=2 || !c") == shape("a=1 AND b=2 Or NOT c")
    assert isinstance(parse("error"), Has)


def test_a_keyword_after_an_operator_is_a_value() -> None:
    node = parse("word=and")
    assert isinstance(node, Compare) and node.value.text == "and"


def test_tokens_carry_positions() -> None:
    tokens = tokenize("a >= 5 and b")
    assert [(t.kind, t.pos) for t in tokens] == [
        ("field", 0), ("op", 2), ("number", 5), ("and", 7), ("field", 11), ("end", 12)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("text", "position", "words"),
    [
        ("status>=", 8, "value is missing"),
        ("status>=500 and", 15, "ends too early"),
        ("(a=1", 0, "never closed"),
        ("a=1)", 3, "without a matching"),
        ("a=1 b=2", 4, "join conditions"),
        ('a="x', 2, "never closed"),
        ("=5", 0, "needs a field name"),
        ("a=1 and #", 8, "unexpected '#'"),
        ("path~'a('", 7, "regex"),
        ("  ", 0, "empty"),
        ("a=(", 2, "value is missing"),
    ],
)
def test_errors_name_the_column(text: str, position: int, words: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    error = caught.value
    assert error.position == position
    assert words in str(error)
    assert error.caret().splitlines()[1] == "  " + " " * position + "^"
