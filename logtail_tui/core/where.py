"""The ``-w/--where`` language: a tokenizer and a recursive-descent parser.

Grammar (docs/architecture.md, "Fields and the where filter")::

    expr       := and ( ("or" | "||") and )*
    and        := unary ( ("and" | "&&") unary )*
    unary      := ("not" | "!") unary | primary
    primary    := "(" expr ")" | FIELD [ OP VALUE ]
    OP         := "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "~" | "!~"
    VALUE      := NUMBER | "quoted" | 'quoted' | bare-word

A bare ``FIELD`` is true when the record has that field (and it is not empty). Keywords are
case-blind. A bare word runs to the next space or parenthesis: regexes holding either are
quoted. Evaluation lives in `logtail_tui.core.where_eval`; this module only reads text into
a tree and says precisely where it could not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Union

from logtail_tui.core.errors import UsageError

OPERATORS = ("==", "!=", "<=", ">=", "!~", "=", "<", ">", "~")
"""Longest first, so ``>=`` is not read as ``>`` then ``=``."""
ORDERING = frozenset({"<", "<=", ">", ">="})
MATCHING = frozenset({"~", "!~"})


class ParseError(UsageError):
    """A where expression that cannot be read; ``position`` is the 0-based column.

    ``str(error)`` is one sentence; `caret` adds the expression with a caret under the spot.
    """

    def __init__(self, message: str, text: str, position: int) -> None:
        super().__init__(message)
        self.message = message
        self.text = text
        self.position = max(0, min(position, len(text)))

    def caret(self, indent: str = "  ") -> str:
        """The expression and a ``^`` under the offending column, on two lines."""
        return f"{indent}{self.text}\n{indent}{' ' * self.position}^"


@dataclass(frozen=True, slots=True)
class Token:
    kind: str
    """``field``, ``number``, ``string``, ``word``, ``op``, ``and``, ``or``, ``not``,
    ``(``, ``)`` or ``end``."""
    text: str
    pos: int


_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?(?![^\s()])")
_NAME = re.compile(r"[A-Za-z_@$][\w.@$\-/:]*")
_BARE = re.compile(r"[^\s()]+")
_KEYWORDS = {"and": "and", "or": "or", "not": "not", "&&": "and", "||": "or"}


def tokenize(text: str) -> list[Token]:
    """The tokens of ``text``, ending with an ``end`` token.

    A token after an operator is a value (number, quoted string or bare word); elsewhere a
    name is a field or a keyword.

    Raises:
        ParseError: for an unterminated string or a character that starts nothing.
    """
    tokens: list[Token] = []
    pos, n = 0, len(text)
    while True:
        m = _SPACE.match(text, pos)
        if m:
            pos = m.end()
        if pos >= n:
            tokens.append(Token("end", "", pos))
            return tokens
        after_op = bool(tokens) and tokens[-1].kind == "op"
        ch = text[pos]
        if ch in "\"'":
            value, end = _quoted(text, pos)
            tokens.append(Token("string", value, pos))
            pos = end
            continue
        if after_op:
            m = _NUMBER.match(text, pos)
            if m:
                tokens.append(Token("number", m.group(), pos))
                pos = m.end()
                continue
        if ch in "()":
            tokens.append(Token(ch, ch, pos))
            pos += 1
            continue
        two = text[pos : pos + 2]
        if two in ("&&", "||"):
            tokens.append(Token(_KEYWORDS[two], two, pos))
            pos += 2
            continue
        op = next((o for o in OPERATORS if text.startswith(o, pos)), None)
        if op is not None and not after_op:
            tokens.append(Token("op", op, pos))
            pos += len(op)
            continue
        if ch == "!" and not after_op:
            tokens.append(Token("not", "!", pos))
            pos += 1
            continue
        if after_op:
            m = _BARE.match(text, pos)
            assert m is not None  # not a space, not a parenthesis: at least one character
            tokens.append(Token("word", m.group(), pos))
            pos = m.end()
            continue
        m = _NAME.match(text, pos)
        if m is None:
            raise ParseError(f"unexpected {ch!r}: a field name, 'not' or '(' goes here", text, pos)
        word = m.group()
        kind = _KEYWORDS.get(word.lower(), "field")
        tokens.append(Token(kind, word, pos))
        pos = m.end()


def _quoted(text: str, start: int) -> tuple[str, int]:
    """The string quoted at ``start`` (backslash escapes the quote and itself) and its end."""
    quote = text[start]
    out: list[str] = []
    pos = start + 1
    while pos < len(text):
        ch = text[pos]
        if ch == "\\" and pos + 1 < len(text) and text[pos + 1] in (quote, "\\"):
            out.append(text[pos + 1])
            pos += 2
            continue
        if ch == quote:
            return "".join(out), pos + 1
        out.append(ch)
        pos += 1
    raise ParseError(f"the string opened here is never closed: add a closing {quote}", text, start)


# -- the tree ----------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Value:
    """A literal: ``number`` is set when it reads as one (``"503"`` quoted stays text)."""

    text: str
    number: float | None
    pos: int


@dataclass(frozen=True, slots=True)
class Compare:
    field: str
    op: str
    value: Value
    pos: int


@dataclass(frozen=True, slots=True)
class Has:
    field: str
    pos: int


@dataclass(frozen=True, slots=True)
class And:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Or:
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node


Node = Union[Compare, Has, And, Or, Not]  # noqa: UP007 - a runtime alias of the tree's nodes


def parse(text: str) -> Node:
    """The tree of a where expression.

    Raises:
        ParseError: with the column of the first thing that cannot be read.
    """
    if not text.strip():
        raise ParseError("the expression is empty: write e.g. status>=500", text, 0)
    parser = _Parser(text, tokenize(text))
    node = parser.expr()
    token = parser.peek()
    if token.kind != "end":
        what = "')' without a matching '('" if token.kind == ")" else repr(token.text)
        raise ParseError(f"unexpected {what}: join conditions with 'and' or 'or'", text, token.pos)
    return node


class _Parser:
    def __init__(self, text: str, tokens: list[Token]) -> None:
        self.text = text
        self.tokens = tokens
        self.i = 0

    def peek(self) -> Token:
        return self.tokens[self.i]

    def take(self) -> Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, message: str, token: Token) -> ParseError:
        return ParseError(message, self.text, token.pos)

    def expr(self) -> Node:
        node = self.conjunction()
        while self.peek().kind == "or":
            self.take()
            node = Or(node, self.conjunction())
        return node

    def conjunction(self) -> Node:
        node = self.unary()
        while self.peek().kind == "and":
            self.take()
            node = And(node, self.unary())
        return node

    def unary(self) -> Node:
        if self.peek().kind == "not":
            self.take()
            return Not(self.unary())
        return self.primary()

    def primary(self) -> Node:
        token = self.take()
        if token.kind == "(":
            node = self.expr()
            close = self.take()
            if close.kind != ")":
                raise self.fail("the '(' here is never closed: add a ')'", token)
            return node
        if token.kind == "field":
            return self.condition(token)
        if token.kind == "end":
            raise self.fail("the expression ends too early: a condition is missing", token)
        if token.kind == "op":
            raise self.fail(f"'{token.text}' needs a field name before it", token)
        raise self.fail(f"unexpected {token.text!r}: a field name, 'not' or '(' goes here", token)

    def condition(self, name: Token) -> Node:
        if self.peek().kind != "op":
            return Has(name.text, name.pos)
        op = self.take()
        value = self.take()
        if value.kind not in ("number", "string", "word"):
            raise self.fail(f"a value is missing after '{op.text}'", value)
        number: float | None = None
        if value.kind == "number":
            number = float(value.text)
        op_text = "=" if op.text == "==" else op.text
        if op_text in MATCHING:
            try:
                re.compile(value.text)
            except re.error as exc:
                raise ParseError(
                    f"the regex after '{op.text}' is invalid ({exc.msg}): fix or quote it",
                    self.text,
                    value.pos + (exc.pos or 0) + (value.kind == "string"),
                ) from None
        return Compare(name.text, op_text, Value(value.text, number, value.pos), name.pos)


def fields_named(node: Node) -> set[str]:
    """Every field name the expression reads."""
    if isinstance(node, Compare | Has):
        return {node.field}
    if isinstance(node, Not):
        return fields_named(node.operand)
    return fields_named(node.left) | fields_named(node.right)
