"""The first frame the CLI draws before Textual loads (ui/first_frame.py): the same rows and
colours as the app's own first screen, drawn only when it can be exact, and a terminal left as
it was found."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest
from rich.color import Color, ColorSystem
from support import until

from logtail_tui.cli import app_from_argv
from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import SourceSpec
from logtail_tui.ui import first_frame as ff

WIDTH, HEIGHT = 100, 30
LEVELS = ("INFO", "DEBUG", "WARN", "ERROR", "INFO", "NOTICE", "TRACE", "FATAL")


def write_log(path: Path, lines: int = 3000, long_every: int = 0, end: str = "\n") -> list[str]:
    text: list[str] = []
    for i in range(lines):
        extra = " " + "x" * 150 if long_every and i % long_every == 0 else ""
        text.append(f"2026-12-01T10:00:{i % 60:02d}.000Z {LEVELS[i % 8]:<5} [api] job {i}{extra}")
        if i % 97 == 3 or i == lines - 8:
            text += [
                "Traceback (most recent call last):",
                '  File "/srv/a.py", line 3, in f',
                "ValueError: bad input",
            ]
    path.write_text("\n".join(text) + end)
    return text


def settings_for(argv: list[str]) -> tuple[list[SourceSpec], Settings]:
    from logtail_tui.cli import parse

    invocation = parse(argv)
    assert invocation is not None
    return invocation.specs, invocation.settings


@pytest.mark.parametrize(
    ("long_every", "end"),
    [(0, "\n"), (5, "\n"), (0, "")],
    ids=["short", "long", "no-final-newline"],
)
async def test_rows_are_what_the_app_draws_first(tmp_path: Path, long_every: int, end: str) -> None:
    path = tmp_path / "app.log"
    text = write_log(path, long_every=long_every, end=end)
    specs, settings = settings_for(["-n", "all", str(path)])
    assert ff.eligible(specs, settings, None) == str(path)
    rows = ff.rows_for(str(path), WIDTH, HEIGHT, settings)
    assert rows is not None and len(rows) == HEIGHT - ff.BARS
    assert any(r.continued for r in rows) and {r.level for r in rows} >= {Level.ERROR, Level.DEBUG}
    app = app_from_argv(["-n", "all", str(path)])
    async with app.run_test(size=(WIDTH, HEIGHT)) as pilot:
        pane = app.pane
        newest = text[-1] if end else text[-2]  # a line still being written is not shown
        assert rows[-1 - bool(long_every)].text.startswith(newest[:60])
        await until(lambda: newest[:60] in pane.render_line(len(rows) - 1 - bool(long_every)).text)
        if long_every:
            await until(lambda: pane.show_horizontal_scrollbar)
            await pilot.pause()
        for y, row in enumerate(rows):
            strip = pane.render_line(y)
            drawn = strip.text.rstrip()
            expected = (ff.MARK if row.continued else "") + row.text
            assert drawn == expected.rstrip(), f"row {y}"
            body = [s for s in strip if s.text.strip() and s.text != ff.MARK]
            if row.text.strip():
                colour = body[0].style.color.triplet  # type: ignore[union-attr]
                assert tuple(colour) == ff.LEVEL_FG.get(row.level, ff.PLAIN), f"row {y}"


async def test_colours_are_the_default_themes(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    write_log(path, lines=100)
    app = app_from_argv([str(path)])
    async with app.run_test(size=(WIDTH, HEIGHT)):
        pane = app.pane
        style = pane.get_component_rich_style
        for level, name in [
            (Level.TRACE, "trace"),
            (Level.DEBUG, "debug"),
            (Level.INFO, "info"),
            (Level.NOTICE, "notice"),
            (Level.WARNING, "warning"),
            (Level.ERROR, "error"),
            (Level.CRITICAL, "critical"),
        ]:
            assert tuple(style(f"log-pane--{name}").color.triplet) == ff.LEVEL_FG[level]  # type: ignore[union-attr]
        assert tuple(style("log-pane--critical").bgcolor.triplet) == ff.CRITICAL_BG  # type: ignore[union-attr]
        assert tuple(style("log-pane--time").color.triplet) == ff.MARK_FG  # type: ignore[union-attr]
        assert pane.styles.background.rgb == ff.PANE_BG
        assert app.query_one("StatusBar").styles.background.rgb == ff.BAR_BG
    for rgb, number in ff.EIGHT_BIT.items():
        assert Color.from_rgb(*rgb).downgrade(ColorSystem.EIGHT_BIT).number == number


def test_drawn_only_when_it_can_be_exact(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    write_log(path)
    for argv in (
        ["-l", "warn"],
        ["-i", "job"],
        ["-e", "job"],
        ["-s", "job"],
        ["-w", "a=1"],
        ["--since", "1h"],
        ["--format", "json"],
        ["--theme", "textual-light"],
        ["--token", "secret-in-the-lines"],  # the app hides it in what it shows
    ):
        specs, settings = settings_for([*argv, str(path)])
        assert ff.eligible(specs, settings, settings.theme) is None, argv
    specs, settings = settings_for([str(path), str(path)])
    assert ff.eligible(specs, settings, None) is None
    _, settings = settings_for([str(path)])
    assert ff.rows_for(str(path), WIDTH, HEIGHT, settings) is not None
    short = tmp_path / "short.log"
    write_log(short, lines=10)
    assert ff.rows_for(str(short), WIDTH, HEIGHT, settings) is None  # does not fill the pane
    for odd in ('{"level":"info","msg":"structured"}', "wide 日本語 text", "e\u0301 combining"):
        other = tmp_path / "other.log"
        other.write_text("\n".join([*write_log(other)[:-1], odd]) + "\n")
        assert ff.rows_for(str(other), WIDTH, HEIGHT, settings) is None, odd


def test_escapes_are_never_drawn_raw(tmp_path: Path) -> None:
    path = tmp_path / "app.log"
    lines = write_log(path)
    path.write_text("\n".join([*lines, "INFO evil \x1b]0;pwned\x07\x1b[2J\tdone\x00"]) + "\n")
    _, settings = settings_for([str(path)])
    rows = ff.rows_for(str(path), WIDTH, HEIGHT, settings)
    assert rows is not None and rows[-1].text == "INFO evil       done^@"
    assert all(r.text.isprintable() for r in rows)


def read_until(fd: int, needle: bytes, seen: bytearray, timeout: float = 20) -> int:
    """Read the pty into ``seen`` until ``needle`` is in it; its index."""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        assert left > 0, f"{needle!r} never came; got {bytes(seen[-400:])!r}"
        if select.select([fd], [], [], left)[0]:
            try:
                seen += os.read(fd, 65536)
            except OSError:
                break
    return seen.find(needle)


@pytest.mark.parametrize("colorterm", ["truecolor", ""])
def test_in_a_real_terminal_the_frame_comes_first_and_keys_wait(
    tmp_path: Path, colorterm: str
) -> None:
    path = tmp_path / "app.log"
    text = write_log(path)
    master, slave = os.openpty()
    import fcntl
    import struct

    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", HEIGHT, WIDTH, 0, 0))
    before = termios.tcgetattr(slave)
    env = {**os.environ, "TERM": "xterm-256color", "COLORTERM": colorterm}
    env.pop("NO_COLOR", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "logtail_tui", "-n", "all", str(path)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        close_fds=True,
    )
    seen = bytearray()
    try:
        last = read_until(master, text[-1].encode(), seen)
        os.write(master, b"q")  # typed before the app reads keys: it waits, then quits the app
        app_started = read_until(master, b"\x1b[?1004h", seen)  # Textual's first request
        assert last < app_started, "the frame should come before Textual starts"
        frame = bytes(seen[:app_started])
        assert (b"38;2;" in frame) == bool(colorterm) and b"\x1b[?1049h" in frame
        deadline = time.monotonic() + 30
        while proc.poll() is None and time.monotonic() < deadline:  # drain: Textual writes
            if select.select([master], [], [], 0.5)[0]:
                seen += os.read(master, 65536)
        assert proc.wait(timeout=1) == 0
        after = termios.tcgetattr(slave)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
        os.close(slave)
    assert after[3] & termios.ECHO and after[3] & termios.ICANON
    assert after == before
