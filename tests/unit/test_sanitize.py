"""The sanitiser: nothing in a log line can act on the terminal, nothing is silently lost."""

from __future__ import annotations

import pytest

from logtail_tui.core import parse
from logtail_tui.core.sanitize import sanitize, sanitize_lines

ESC = "\x1b"


def inert(text: str) -> bool:
    """No C0/C1 control, DEL, bidi override/isolate, line separator or surrogate left."""
    for char in text:
        code = ord(char)
        if code < 0x20 or 0x7F <= code <= 0x9F or 0xD800 <= code <= 0xDFFF:
            return False
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069 or code in (0x2028, 0x2029):
            return False
    return True


def test_clean_line_is_returned_as_the_same_object() -> None:
    line = "2026-11-21 INFO plain old line with ünïcödé and 日本語"
    assert sanitize(line) is line


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        (f"{ESC}]0;pwned{ESC}\\title set", "title set"),  # OSC title, ST terminated
        (f"{ESC}]2;pwned\x07title set", "title set"),  # OSC title, BEL terminated
        (f"{ESC}]52;c;cm0gLXJmIH4=\x07clipboard", "clipboard"),  # OSC 52 clipboard write
        (f"{ESC}]8;;https://evil.example{ESC}\\click{ESC}]8;;{ESC}\\", "click"),  # OSC 8 link
        (f"before{ESC}[2J{ESC}[Hafter", "beforeafter"),  # clear screen, cursor home
        (f"{ESC}[10;20Hmoved{ESC}[3A{ESC}[K", "moved"),  # cursor moves, erase line
        (f"{ESC}[31;1mred{ESC}[0m", "red"),  # SGR colours are stripped
        (f"{ESC}[?1049h{ESC}[?25lalt", "alt"),  # alternate screen, hide cursor
        (f"{ESC}P1$r0m{ESC}\\dcs", "dcs"),  # DCS string
        (f"{ESC}_apc payload{ESC}\\apc", "apc"),  # APC string
        (f"{ESC}^pm payload{ESC}\\pm", "pm"),  # PM string
        (f"{ESC}cRIS", "RIS"),  # full reset
        (f"{ESC}7save{ESC}8", "save"),  # cursor save / restore
        (f"{ESC}(0charset", "charset"),  # charset designation
        ("\x9b2J8-bit csi", "8-bit csi"),  # C1 CSI
        ("\x9d0;pwned\x07c1 osc", "c1 osc"),  # C1 OSC
    ],
)
def test_escape_sequences_are_removed(hostile: str, shown: str) -> None:
    out = sanitize(hostile)
    assert out == shown
    assert inert(out)


@pytest.mark.parametrize(
    ("hostile", "shown"),
    [
        ("nul\x00byte", "nul^@byte"),
        ("bell\x07", "bell^G"),
        ("back\x08\x08space", "back^H^Hspace"),
        ("over\rwrite", "over^Mwrite"),
        ("del\x7f", "del^?"),
        ("form\x0cfeed\x0bvt", "form^Lfeed^Kvt"),
        ("new\nline", "new^Jline"),
        ("next\x85line", "next<U+0085>line"),
        ("bidi \u202eevil\u202c end", "bidi <U+202E>evil<U+202C> end"),
        ("iso \u2066x\u2069 \u2067y\u2068", "iso <U+2066>x<U+2069> <U+2067>y<U+2068>"),
        ("sep\u2028para\u2029", "sep<U+2028>para<U+2029>"),
        ("lone \ud800 surrogate", "lone \ufffd surrogate"),
    ],
)
def test_controls_are_made_visible(hostile: str, shown: str) -> None:
    out = sanitize(hostile)
    assert out == shown
    assert inert(out)
    out.encode("utf-8")  # writable to a terminal


def test_unterminated_sequences_lose_their_introducer_and_keep_their_text() -> None:
    out = sanitize(f"a{ESC}]0;no terminator")
    assert out == "a0;no terminator"
    out = sanitize(f"b{ESC}[12")
    assert inert(out) and out.endswith("12")
    assert sanitize(f"lone {ESC}") == "lone ^["  # a bare ESC is shown, not acted on


def test_tabs_are_expanded_to_eight_columns() -> None:
    assert sanitize("a\tb") == "a       b"
    assert sanitize("12345678\tx") == "12345678        x"
    assert sanitize(f"{ESC}[1mab{ESC}[0m\tc") == "ab      c"  # columns counted after stripping


def test_one_megabyte_hostile_line() -> None:
    unit = f"{ESC}[2J{ESC}]0;t\x07\x00\u202e ok "
    out = sanitize(unit * (1_000_000 // len(unit)))
    assert inert(out)
    assert out.count("ok") == 1_000_000 // len(unit)


def test_sanitising_twice_changes_nothing() -> None:
    once = sanitize(f"{ESC}[31mx\x00\t\u202e\x9b")
    assert sanitize(once) is once


def test_non_printable_but_harmless_characters_pass() -> None:
    text = "nbsp\u00a0 zwj 👩\u200d💻 shy\u00ad"
    assert sanitize(text) == text


def test_sanitize_lines_keeps_clean_objects() -> None:
    clean = "clean line"
    out = sanitize_lines([clean, "bell\x07"])
    assert out == ["clean line", "bell^G"]
    assert out[0] is clean
    lines = [clean]
    assert sanitize_lines(lines) is not lines  # a new list the caller may not alias


def test_parse_re_exports_sanitize() -> None:
    assert parse.sanitize is sanitize
