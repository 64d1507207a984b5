"""Makes hostile log content inert: nothing in a displayed line can act on the terminal.

A log line is data from strangers. Escape sequences in it could set the window title,
plant a hyperlink, write the clipboard (OSC 52), clear the screen or move the cursor;
C1 controls can do the same on terminals that honour them; bidi overrides can make a
line read differently from what it contains (CVE-2021-42574, "Trojan Source").

What `sanitize` does, in order:

1. Complete escape sequences (CSI, OSC, DCS/SOS/PM/APC strings, two-byte ``ESC x``, and
   their 8-bit C1 forms) are removed. SGR colour codes go too: colour is re-derived from
   the level, and keeping foreign styling would mean parsing it safely (a later feature).
2. Every control character left is made visible instead of being dropped, so nothing
   is silently lost: C0 and DEL in caret notation as ``cat -v`` and ``less`` show them
   (``^[``, ``^G``, ``^M``, ``^?``), C1 controls, bidi overrides/isolates and the Unicode
   line/paragraph separators as ``<U+202E>``. Lone surrogates (possible from JSON
   ``"\\ud800"``) become U+FFFD, since they cannot even be encoded for output.
3. Tabs are expanded to 8 columns, so cell widths are what they appear to be.

A line with nothing to do is returned unchanged, the same object: `str.isprintable`
screens it at C speed, which is what keeps the common case fast.
"""

from __future__ import annotations

import re
from functools import cache

_ESCAPES = re.compile(
    r"""
      (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                      # CSI: cursor moves, clears, SGR
    | (?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)   # OSC: title, hyperlink, clipboard
    | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)  # DCS, SOS, PM, APC
    | \x1b[ -/]*[0-~]                                       # two/three-byte ESC sequences
    """,
    re.VERBOSE,
)
"""Complete sequences only; an unterminated one loses its introducer (below) and the rest
stays visible as text, so nothing is lost and nothing is left that a terminal would act on."""

_CSI = re.compile(r"\x1b\[[0-?]*+[ -/]*+[@-~]")
"""The common case (colours) alone: a literal-prefixed pattern runs ten times faster."""


@cache
def _visible() -> re.Pattern[str]:
    """What `visible` shows another way; compiled on first use (3.6 ms: every start paid it)."""
    return re.compile(
        "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
    )


def _show(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return "^" + chr(code + 0x40)
    if code == 0x7F:
        return "^?"
    if 0xD800 <= code <= 0xDFFF:
        return "\ufffd"
    return f"<U+{code:04X}>"


def control_in(text: str) -> str | None:
    """The first character of ``text`` that `sanitize` would not show as it is (a control
    character, a bidi override), or ``None``."""
    if text.isprintable():
        return None
    found = _visible().search(text)
    return found.group() if found else None


def visible(text: str) -> str:
    """``text`` with every control character shown (``^[`` for ESC), nothing removed: for a
    name the user must recognise, such as a file's, rather than a line's contents."""
    return text if text.isprintable() else _visible().sub(_show, text.replace("\t", "^I"))


def sanitize(text: str) -> str:
    """``text`` made safe to write to a terminal (see the module docstring).

    Returns ``text`` itself when it holds nothing to remove, make visible or expand.
    """
    if text.isprintable():
        return text
    if "\x1b[" in text:
        text = _CSI.sub("", text)
    if "\x1b" in text or _has_c1_introducer(text):
        text = _ESCAPES.sub("", text)
    text = _visible().sub(_show, text)
    if "\t" in text:
        text = text.expandtabs(8)
    return text


def _has_c1_introducer(text: str) -> bool:
    # Only worth a regex pass when an 8-bit CSI/OSC/DCS/SOS/PM/APC could be present.
    return not text.isascii() and any(c in text for c in "\x9b\x9d\x90\x98\x9e\x9f")


_ASCII_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f]")
"""What needs work in ASCII text joined with ``\n``: C0 controls, tab and DEL."""


def sanitize_lines(lines: list[str]) -> list[str]:
    """`sanitize` over a batch; a new list whose clean items are the very same objects."""
    # One C-speed pass over the joined batch beats a per-line check threefold; the count
    # guard keeps a line that itself holds "\n" from hiding behind the joiner.
    joined = "\n".join(lines)
    if (
        joined.isascii()
        and _ASCII_UNSAFE.search(joined) is None
        and joined.count("\n") == len(lines) - 1
    ):
        return list(lines)
    if all(map(str.isprintable, lines)):
        return list(lines)
    return list(map(sanitize, lines))
