"""The last screen of a file, drawn before Textual has loaded (docs/architecture.md,
"First frame").

Importing Textual and building the app costs about 0.35 s of a 0.5 s start; the lines the user
came for are known after about 0.15 s. In the common case (one local text file, no filter or
search, the default theme, a colour terminal) the CLI draws the pane's rows itself, as the
app's first frame will draw them, then starts the app, which paints over them. Echo is off
meanwhile, so keys pressed wait in the terminal for the app to read them.

This module must not import Textual or rich: that is the whole point of it.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.core.state_file import load_state
from logtail_tui.sources.contract import SourceSpec
from logtail_tui.sources.file_reader import sniff

RGB = tuple[int, int, int]

# The default theme's colours (ui/pane_style.py's classes resolved by Textual for
# "textual-dark"); tests/app/test_first_frame.py checks them against the running app.
PANE_BG: RGB = (30, 30, 30)
BAR_BG: RGB = (36, 47, 56)
PLAIN: RGB = (224, 224, 224)
MARK_FG: RGB = (83, 158, 255)
LEVEL_FG: dict[int, RGB] = {
    Level.TRACE: (117, 117, 117),
    Level.DEBUG: (146, 146, 146),
    Level.INFO: PLAIN,
    Level.NOTICE: (78, 191, 113),
    Level.WARNING: (254, 166, 43),
    Level.ERROR: (185, 60, 91),
    Level.CRITICAL: (237, 228, 230),
}
CRITICAL_BG: RGB = (123, 48, 66)
EIGHT_BIT: dict[RGB, int] = {
    PANE_BG: 234,
    BAR_BG: 17,
    PLAIN: 253,
    MARK_FG: 75,
    (117, 117, 117): 242,
    (146, 146, 146): 245,
    (78, 191, 113): 71,
    (254, 166, 43): 214,
    (185, 60, 91): 131,
    (237, 228, 230): 224,
    CRITICAL_BG: 95,
}
"""The same colours as a 256-colour terminal gets them (rich's nearest match, as Textual
sends them there)."""

MARK = "│ "
"""Before a record's continuation lines, as ui/record_lines.py draws it."""
GUTTER = 2
"""Columns of the pane's vertical scrollbar (``scrollbar-gutter: stable``)."""
BARS = 2
"""Rows under the pane: the status bar and the footer."""
TAIL_BYTES = 1 << 18
"""Bytes read from the end of the file: many screens of ordinary lines."""
DEFAULT_THEMES = (None, "textual-dark")


@dataclass(frozen=True, slots=True)
class Row:
    """One row of the pane: the text shown (cut to the pane), its level, and the record mark."""

    text: str
    level: int
    continued: bool


def eligible(specs: Sequence[SourceSpec], settings: Settings, theme: str | None) -> str | None:
    """The file whose end the app's first frame will show, when this module can draw it
    exactly: one local regular file, nothing that changes which lines show or how."""
    if len(specs) != 1 or specs[0].scheme != "file" or theme not in DEFAULT_THEMES:
        return None
    s = settings
    if s.include or s.exclude or s.where or s.search or s.level or s.since or s.until:
        return None
    if s.format not in ("auto", "text") or s.lines == 0 or os.environ.get("NO_COLOR"):
        return None
    if (specs[0].settings or s).secrets() or specs[0].secrets:  # the app hides them; this not
        return None
    path = specs[0].target
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None
    except OSError:
        return None  # the app says what is wrong with it
    return path


def rows_for(path: str, width: int, height: int, settings: Settings) -> list[Row] | None:
    """The pane's rows for the end of ``path`` in a ``width`` x ``height`` terminal, or
    ``None`` when they cannot be known exactly (too few lines, structured or wide text)."""
    pane_width, pane_height = width - GUTTER, height - BARS
    if pane_width < 10 or pane_height < 2:
        return None
    try:
        with open(path, "rb") as f:
            if sniff(f.fileno()) is not None:
                return None  # compressed: the app decompresses it as it reads
            size = f.seek(0, os.SEEK_END)
            start = max(0, size - TAIL_BYTES)
            f.seek(start)
            data = f.read(size - start)
    except OSError:
        return None
    lines = data.split(b"\n")
    del lines[-1]  # after the last line feed: empty, or a line still being written (not shown)
    if start:
        del lines[0]  # most likely cut
    wanted = pane_height if settings.lines is None else min(pane_height, settings.lines)
    if len(lines) <= wanted or wanted < pane_height:
        return None  # a short file loads at once anyway; it may not fill the pane
    texts = [line.removesuffix(b"\r").decode("utf-8", "replace") for line in lines]
    batch = LineParser(settings.format, settings.field_map).parse(texts)
    if batch.raws is not None and any(batch.raws):
        return None  # structured records get a time column and a level word
    starts = batch.starts
    rows = [
        Row(text, level, starts is not None and not starts[i])
        for i, (text, level) in enumerate(zip(batch.texts, batch.levels, strict=True))
    ][-pane_height:]
    if any(not (r.text.isascii() and r.text.isprintable()) for r in rows):
        return None  # wide or combining characters: leave their layout to the app
    if any(len(r.text) + len(MARK) * r.continued > pane_width for r in rows):
        rows = [*rows[1:], Row("", Level.NONE, False)]  # the horizontal scrollbar's row
    return [Row(r.text[: pane_width - len(MARK) * r.continued], r.level, r.continued) for r in rows]


def _sgr(fg: RGB, bg: RGB, bold: bool, truecolor: bool) -> str:
    if truecolor:
        codes = f"38;2;{fg[0]};{fg[1]};{fg[2]};48;2;{bg[0]};{bg[1]};{bg[2]}"
    else:
        codes = f"38;5;{EIGHT_BIT[fg]};48;5;{EIGHT_BIT[bg]}"
    return f"\x1b[0;{'1;' if bold else ''}{codes}m"


def paint(rows: Sequence[Row], width: int, height: int, truecolor: bool) -> str:
    """The escape sequences that draw ``rows`` as the app's first frame will (alternate
    screen, cursor hidden, every cell written)."""
    out = ["\x1b[?1049h\x1b[?25l\x1b[H"]
    for y, row in enumerate(rows):
        out.append(f"\x1b[{y + 1};1H")
        used = len(row.text)
        if row.continued:
            out.append(_sgr(MARK_FG, PANE_BG, False, truecolor) + MARK)
            used += len(MARK)
        critical = row.level == Level.CRITICAL
        fg = LEVEL_FG.get(row.level, PLAIN)
        out.append(_sgr(fg, CRITICAL_BG if critical else PANE_BG, critical, truecolor) + row.text)
        out.append(_sgr(PLAIN, PANE_BG, False, truecolor) + " " * (width - used))
    for y in range(len(rows), height):
        bg = PANE_BG if y < height - BARS else BAR_BG
        out.append(f"\x1b[{y + 1};1H" + _sgr(PLAIN, bg, False, truecolor) + " " * width)
    out.append("\x1b[0m")
    return "".join(out)


def _theme(settings: Settings) -> str | None:
    """The theme the app will start with, as ui/theme_choice.py picks it."""
    if settings.theme is not None:
        return settings.theme
    remembered = load_state().get("theme")
    return remembered if isinstance(remembered, str) else None


def _colour_mode() -> bool | None:
    """True for 24-bit colour, False for 256 colours, None for anything else (as rich
    decides for Textual)."""
    if os.environ.get("COLORTERM", "").strip().lower() in ("truecolor", "24bit"):
        return True
    term = os.environ.get("TERM", "").strip().lower()
    return False if term.endswith("256color") or term.endswith("256") else None


class FirstFrame:
    """Draws the first frame when it can; `close` puts the terminal back if the app never
    took it over (an error before it started)."""

    def __init__(self) -> None:
        self._saved: list[Any] | None = None
        self.painted = False
        self.handed_over = False

    @classmethod
    def draw(cls, specs: Sequence[SourceSpec], settings: Settings) -> FirstFrame:
        frame = cls()
        if sys.platform == "win32" or os.environ.get("LOGTAIL_FIRST_FRAME") == "0":
            return frame
        try:
            if not (os.isatty(0) and os.isatty(1)):
                return frame
            truecolor = _colour_mode()
            path = eligible(specs, settings, _theme(settings))
            if truecolor is None or path is None:
                return frame
            width, height = os.get_terminal_size(1)
            rows = rows_for(path, width, height, settings)
            if rows is None:
                return frame
            frame._quiet()
            os.write(1, paint(rows, width, height, truecolor).encode())
            frame.painted = True
        except OSError:
            pass  # no frame: the app draws its own a little later
        return frame

    def _quiet(self) -> None:
        """Echo and line editing off, so keys wait for the app (ctrl+c still works)."""
        import termios

        self._saved = termios.tcgetattr(0)
        quiet = termios.tcgetattr(0)
        quiet[3] &= ~(termios.ECHO | termios.ICANON)
        termios.tcsetattr(0, termios.TCSANOW, quiet)

    def close(self) -> None:
        """Restore the terminal's modes; leave the alternate screen unless the app did."""
        if self._saved is not None:
            import termios

            try:
                termios.tcsetattr(0, termios.TCSADRAIN, self._saved)
            except termios.error:
                pass
        if self.painted and not self.handed_over:
            os.write(1, b"\x1b[0m\x1b[?25h\x1b[?1049l")
