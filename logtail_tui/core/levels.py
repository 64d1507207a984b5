"""Severity detection: plain-text lines, structured values, and stack-trace continuation.

Plain text: the level is the first level token among the first seven whitespace-separated
tokens of the line, so a level word deep in the message never counts. A token counts when
it is

- an upper-case level word ending at a delimiter: ``ERROR``, ``WARN:``, ``[INF]``, ``FATAL``;
- a level word in any case inside brackets (``[warn]``, ``<error>``, ``(info)``, ``|debug|``)
  or followed by a colon (``Warning:``, ``error:``);
- a ``level=``/``lvl=``/``severity=`` pair (``level=error``);
- an Apache 2.4 ``[module:level]`` (``[core:error]``, ``[mpm_event:notice]``);
- the status of an access log line (common/combined format: the quoted request right after
  the ``[01/Dec/2026:02:35:16 +0000]`` time): 5xx error, 4xx warn, anything else info;
- Windows CBS ``Info``/``Warning``/``Error`` right after the ``2026-12-01 02:35:16, `` time;

and at the very start of the line: a syslog priority ``<3>``, Android ``W/Tag``, glog
``E0101 12:00:00``, a single letter before a time (``E 12:00:01``) and the Android
``threadtime`` and ``time`` layouts (``01-01 12:00:00.123  1234  5678 W Tag: ...``), Java's
``Exception in thread "main"`` (error), Go's ``fatal error:`` (critical; ``panic:`` is a
level word) and BGL's level as the 9th token (``- 1117838570 2005.06.03 NODE TIME NODE RAS
KERNEL FATAL``).

The match is one anchored regular expression whose alternatives all begin with a literal
or a character class: CPython's regex engine skips such branches in a couple of
nanoseconds, whereas case-insensitive branches cost ten times more. That is why the word
lists are spelled out as ``error|Error|ERROR`` tries rather than written with ``(?i)``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from typing import Any

from logtail_tui.core.record import Level
from logtail_tui.core.records import CONTINUATION, inherit_levels  # noqa: F401 - re-exported

_T, _D, _I, _N = Level.TRACE, Level.DEBUG, Level.INFO, Level.NOTICE
_W, _E, _C = Level.WARNING, Level.ERROR, Level.CRITICAL

TEXT_WORDS: Mapping[str, Level] = {
    "trace": _T, "trc": _T, "verbose": _T, "vrb": _T,
    "debug": _D, "dbg": _D,
    "info": _I, "inf": _I,
    "notice": _N, "success": _N,
    "warning": _W, "warn": _W, "wrn": _W,
    "error": _E, "err": _E, "eror": _E, "severe": _E,
    "fatal": _C, "ftl": _C, "critical": _C, "crit": _C, "panic": _C, "alert": _C, "emerg": _C,
}  # fmt: skip
"""Words recognised in plain text (in lower, Title or UPPER case)."""

VALUE_WORDS: Mapping[str, Level] = {
    **TEXT_WORDS,
    "t": _T, "v": _T, "finest": _T, "finer": _T,
    "d": _D, "fine": _D, "config": _D, "thinking": _D,
    "i": _I, "information": _I, "informational": _I, "coding": _I, "log": _I,
    "n": _N, "ok": _N, "done": _N,
    "w": _W, "warnings": _W,
    "e": _E, "errors": _E, "exception": _E, "failure": _E, "failed": _E,
    "f": _C, "a": _C, "c": _C, "dpanic": _C, "emergency": _C, "assert": _C,
}  # fmt: skip
"""Values of a structured level field (``log_type`` ``thinking``/``coding`` included:
thinking is the agent's chatter, so it ranks with debug; coding is ordinary progress)."""

_SYSLOG = (_C, _C, _C, _E, _W, _N, _I, _D)
"""Syslog / journald priority 0-7 (emerg, alert, crit, err, warning, notice, info, debug)."""

_PINO = {10: _T, 20: _D, 30: _I, 40: _W, 50: _E, 60: _C}
_PYTHON = {5: _T, 10: _D, 20: _I, 25: _N, 30: _W, 40: _E, 50: _C}

STRUCTURED = -1
"""What `text_levels` reports for a line that may be JSON or logfmt (auto mode)."""


def syslog_level(priority: int) -> Level:
    """The level of a syslog PRI or journald ``PRIORITY`` (facility bits ignored)."""
    return _SYSLOG[priority & 7]


def level_of(value: Any, key: str | None = None) -> int:
    """Normalise a structured level value; unknown values give ``Level.NONE``.

    Args:
        value: A name (``"warn"``, ``"E"``, ``"success"``), or a number: 0-7 is a
            syslog/journald priority, 10-60 a pino/bunyan level.
        key: The field it came from: ``levelno`` means Python's numbers (10 debug ... 50
            critical); ``priority`` always means syslog.
    """
    if isinstance(value, str):
        found = VALUE_WORDS.get(value) or VALUE_WORDS.get(value.strip().lower())
        if found:
            return found
        value = value.strip()
        if not value.isdigit():
            return Level.NONE
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float) or value != value:
        return Level.NONE  # value != value: NaN
    if isinstance(value, float) and abs(value) > 1e6:
        return Level.NONE  # also keeps int() away from infinity
    number = int(value)
    if key is not None and key.lower() == "levelno":
        return _PYTHON.get(number, Level.NONE)
    if 0 <= number <= 7:
        return _SYSLOG[number]
    if key is not None and key.lower() == "priority":
        return Level.NONE
    if 10 <= number < 70:
        return _PINO[min(number // 10 * 10, 60)]
    return Level.NONE


def _trie(words: Iterable[str]) -> str:
    """An alternation grouped by first character: each branch starts with a literal."""
    by_first: dict[str, set[str]] = {}
    for word in words:
        by_first.setdefault(word[0], set()).add(word[1:])
    parts = []
    for first, rests in sorted(by_first.items()):
        tails = sorted(rests, key=lambda r: (-len(r), r))  # longest first: WARNING before WARN
        tail = "|".join(map(re.escape, tails))
        parts.append(re.escape(first) + (f"(?:{tail})" if tails != [""] else ""))
    return "(?:" + "|".join(parts) + ")"


def _variants(words: Iterable[str]) -> list[str]:
    return [v for w in words for v in (w, w.title(), w.upper())]


def _initials() -> str:
    """First letters a level token can start with: one class check rejects most tokens."""
    words = [*_variants(TEXT_WORDS), *_variants(_KEYS)]
    return "".join(sorted({w[0] for w in words}))


_KEYS = ("level", "lvl", "severity", "loglevel", "log_level")
_OPEN, _CLOSE = r"[\[<(|{]", r"[\]>)|}]"
_AFTER = r"(?=[\s\]>)|}:,;.]|$)"
STAMP = r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:?\d\d)"
"""An RFC 3339 time as ``docker logs --timestamps`` / ``kubectl logs --timestamps`` prefix it."""
_LOGFMT_START = r"[A-Za-z_][\w.\-/@]*="
_STAMPED = r"\d{4}-\d\d-\d\dT\S++\ "
"""A loose `STAMP` prefix, cheap to test on every line (`fields.split_stamp` is precise)."""
_FLAGGED = {
    "": "",
    "json": rf"\{{|{_STAMPED}\{{",
    "logfmt": rf"{_LOGFMT_START}|{_STAMPED}{_LOGFMT_START}",
    "auto": rf"\{{|{_LOGFMT_START}|{_STAMPED}(?:\{{|{_LOGFMT_START})",
}
"""Line starts that `text_pattern` flags as structured, by mode."""


@cache
def text_pattern(structured: str = "") -> re.Pattern[str]:
    """The compiled level matcher.

    Args:
        structured: Which structured lines to flag as `STRUCTURED` instead of reading a
            level from them: ``""`` none, ``"json"`` lines starting with ``{``, ``"logfmt"``
            lines starting with ``key=``, ``"auto"`` both; either may follow a `STAMP`.
    """
    upper = _trie(w.upper() for w in TEXT_WORDS)
    any_case = _trie(_variants(TEXT_WORDS))
    lower_title = _trie(v for w in TEXT_WORDS for v in (w, w.title()))
    keys = _trie(_variants(_KEYS))
    token = rf"""(?:
          {_OPEN}(?P<bracket>{any_case}){_CLOSE}    # [warn] <error> (info) |DEBUG|
        | \[\w{{1,40}}:({any_case})\]               # Apache 2.4: [core:error] [mpm_event:notice]
        | "(?<=[+-]\d{{4}}\]\ ")(?:[^"\\]++|\\.)*+"(\ [1-5])\d\d\ (?=\d|-)  # access log: "GET / HTTP/1.1" 404 12
        | (?P<upper>{upper}){_AFTER}                 # ERROR  WARN:  INFO]
        | [IWE](?<=\d,\ .)(nfo|arning|rror)\ \      # Windows CBS: "2016-09-28 04:30:30, Info  CBS"
        | ({lower_title}):(?!\S)                     # Warning: error:
        | {keys}[=:]\ ?["']?({any_case})\b            # level=error level: warn
    )"""
    flagged = _FLAGGED[structured]
    return re.compile(
        rf"""\s*+(?:
            {f"({flagged})|" if flagged else ""}       # JSON / logfmt candidates
            (↪\ )                                      # a split line's later piece: inherits
          | Exception\ in\ (thread\ ")                 # Java: an uncaught exception
          | f(atal\ error):                            # Go runtime (panic: is a level word)
          | [-A-Z][-A-Z]*+\ \d{{10}}\ \d{{4}}\.\d\d\.\d\d\ (?:\S++\ ){{5}}({_BGL})\    # BGL: 9th token
          | <(\d{{1,3}})>                               # syslog priority
          | ([VDIWEFA])/                                # android: W/Tag
          | ([IWEF])\d{{4}}\s                           # glog: E0101 12:00:00
          | ([TDIWEFN])\ +\d                            # E 12:00:01
          | \d\d-\d\d\s+\d\d:\d\d:\d\d\.\d+\s+\d+\s+\d+\s+([VDIWEFA])\s   # android threadtime
          | \d\d-\d\d\s+\d\d:\d\d:\d\d\.\d+\s+([VDIWEFA])/       # android -v time
          | (?:\S++\s++){{0,6}}?(?=[\[<(|"{{{_initials()}]){token}  # first level token of 7
        )""",
        re.VERBOSE,
    )


_BGL = "INFO|WARNING|ERROR|FATAL|SEVERE|FAILURE"
"""BGL's level words (``FAILURE`` is not a level word anywhere else)."""


@cache
def _token_levels() -> dict[str, int]:
    """Every string a group of `text_pattern` can capture, mapped to its level."""
    # Plain ints, not enum members: they go straight into bytearrays and comparisons.
    table: dict[str, int] = {v: int(lv) for w, lv in TEXT_WORDS.items() for v in _variants([w])}
    letters = {"V": _T, "T": _T, "D": _D, "I": _I, "N": _N, "W": _W, "E": _E, "F": _C, "A": _C}
    table.update({k: int(v) for k, v in letters.items()})
    table.update({str(n): int(syslog_level(n)) for n in range(192)})
    table["↪ "] = 0
    # Access logs: the status class, captured with the space before it so it cannot be
    # taken for a syslog priority.
    table.update({" 1": int(_I), " 2": int(_I), " 3": int(_I), " 4": int(_W), " 5": int(_E)})
    # Some branches start with a literal outside their group (so the regex engine can
    # skip them on one character): their captures are word tails.
    table.update({'thread "': int(_E), "atal error": int(_C), "FAILURE": int(_E)})
    table.update({"nfo": int(_I), "arning": int(_W), "rror": int(_E)})
    table["{"] = STRUCTURED
    return table


def text_level(line: str) -> int:
    """The level of one plain-text line, ``Level.NONE`` when it names none."""
    m = text_pattern().match(line)
    return _token_levels().get(m[m.lastindex], 0) if m else 0


def text_levels(lines: list[str], structured: str = "") -> list[int]:
    """`text_level` for a batch; with ``structured`` set, JSON/logfmt candidates give
    `STRUCTURED` (see `text_pattern`)."""
    get = _token_levels().get
    default = STRUCTURED if structured else 0
    return [
        get(m[m.lastindex], default) if m else 0 for m in map(text_pattern(structured).match, lines)
    ]


@cache
def _at_token(index: int, bracketed: bool, structured: str) -> re.Pattern[str]:
    """A level word as token ``index``, bare upper-case or bracketed: the fast path of
    `LevelDetector`. Lines `text_pattern` treats specially never match it."""
    # Lines starting like JSON or logfmt never take the fast path. Time-prefixed ones may:
    # excluding them costs every line a scan of its first token, and a JSON payload has
    # no bare upper-case word for the pattern to hit unless a string holds one there.
    starts = {"": "", "json": r"\{|", "logfmt": rf"{_LOGFMT_START}|"}
    skip = rf"(?!{starts.get(structured, starts['json'] + starts['logfmt'])}↪ )"
    if bracketed:
        word = rf"{_OPEN}({_trie(_variants(TEXT_WORDS))}){_CLOSE}"
    else:
        word = rf"({_trie(w.upper() for w in TEXT_WORDS)}){_AFTER}"
    return re.compile(rf"\s*+{skip}(?:\S++\s++){{{index}}}{word}")


class LevelDetector:
    """`text_levels` that learns where a source's lines keep their level.

    Most logs put an upper-case level at the same token of every line (``DATE LEVEL msg``).
    Once a line shows where, a much shorter pattern checks just that token; lines it
    misses get the full treatment. So a line naming two levels may be read at the learnt
    position rather than the first one, which only matters for lines no format produces.

    Args:
        structured: As for `text_pattern`.
    """

    def __init__(self, structured: str = "") -> None:
        self.structured = structured
        self._full = text_pattern(structured)
        self._fast: re.Pattern[str] | None = None

    def __call__(self, lines: list[str]) -> list[int]:
        get = _token_levels().get
        if self._fast is None:
            levels = text_levels(lines, self.structured)
            self._learn(lines, levels)
            return levels
        levels = [get(m[1], 0) if m else _MISS for m in map(self._fast.match, lines)]
        if _MISS in levels:
            misses = 0
            full, default = self._full.match, STRUCTURED if self.structured else 0
            i = -1
            while (i := _next(levels, _MISS, i + 1)) >= 0:
                m = full(lines[i])
                levels[i] = get(m[m.lastindex], default) if m else 0
                misses += 1
            if misses * 2 > len(levels):
                self._fast = None  # the format changed, or never was one: relearn
        return levels

    def _learn(self, lines: list[str], levels: list[int]) -> None:
        position = self._position_of(lines, levels)
        if position is not None:
            self._fast = _at_token(*position, self.structured)

    def learn_position(self, lines: list[str]) -> tuple[int, bool] | None:
        """``(token index, bracketed)`` of the level word in ``lines``, if they show one.

        The bulk indexer (`logtail_tui.core.bulk`) reads whole blocks with it.
        """
        # As `text_levels`, one line at a time: only lines up to the first with a level count.
        get, default = _token_levels().get, STRUCTURED if self.structured else 0
        levels = (get(m[m.lastindex], default) if m else 0 for m in map(self._full.match, lines))
        return self._position_of(lines, levels)

    def _position_of(self, lines: list[str], levels: Iterable[int]) -> tuple[int, bool] | None:
        for line, level in zip(lines, levels, strict=True):
            if level > 0:
                m = self._full.match(line)
                if m is not None and m.lastgroup in ("upper", "bracket"):
                    bracketed = m.lastgroup == "bracket"
                    return len(line[: m.start(m.lastindex) - bracketed].split()), bracketed
                return None
        return None


_MISS = -2


def _next(values: list[int], value: int, start: int) -> int:
    try:
        return values.index(value, start)
    except ValueError:
        return -1


# The continuation rule lives with the record boundaries it also decides (`core/records.py`).
_CONTINUATION = CONTINUATION
