"""Themes in the running TUI: the palette switches them live, the choice is remembered.

Colours are read from the rendered segments, the way the terminal receives them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.segment import Segment
from support import Feeds, lines, until
from textual.color import Color
from textual.command import CommandInput, CommandList, CommandPalette

from logtail_tui.core.errors import UsageError
from logtail_tui.core.settings import Settings
from logtail_tui.core.state_file import state_path
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.themes import LOGTAIL_THEMES, contrast, theme_variables

WORDS = {
    "trace": "TRACE polling queue",
    "debug": "DEBUG cache hit",
    "info": "INFO service started",
    "warning": "WARN disk almost full",
    "error": "ERROR payment failed",
}
SIZE = (90, 12)


def coloured(app: LogtailApp, text: str) -> tuple[Color, Color]:
    """Foreground and background of the rendered line that shows ``text``."""
    pane = app.pane
    base = pane.rich_style
    for y in range(pane.scrollable_content_region.height):
        strip = pane.render_line(y)
        if text in strip.text:
            segment: Segment = next(s for s in strip if s.text.strip() and s.style is not None)
            style = segment.style
            assert style is not None
            foreground = style.color or base.color
            background = style.bgcolor or base.bgcolor
            assert foreground is not None and background is not None
            return Color.from_rich_color(foreground), Color.from_rich_color(background)
    raise AssertionError(f"{text!r} is not on screen")


def near(one: Color, other: Color) -> bool:
    """The same colour but for rounding in Textual's blending (a unit per channel)."""
    return max(abs(a - b) for a, b in zip(one.rgb, other.rgb, strict=True)) <= 2


def themed_app(settings: Settings) -> tuple[LogtailApp, Feeds]:
    feeds = Feeds(1)
    return LogtailApp(feeds.specs, settings, feeds.factory), feeds


async def started(pilot, feeds: Feeds) -> None:  # type: ignore[no-untyped-def]
    """Every level's line received and painted."""
    app = pilot.app
    await feeds[0].put(lines(*WORDS.values()))
    await until(lambda: app.store.received == len(WORDS))
    app.flush_now()
    await pilot.pause()


def keys(text: str) -> list[str]:
    """``text`` as the key names Pilot presses."""
    return [{" ": "space", "-": "minus"}.get(char, char) for char in text]


def offered(app, placeholder: str, first: str) -> bool:  # type: ignore[no-untyped-def]
    """The palette is open with ``placeholder`` and lists first an option starting ``first``."""
    screen = app.screen
    if not isinstance(screen, CommandPalette):
        return False
    if screen.query_one(CommandInput).placeholder != placeholder:
        return False
    options = screen.query_one(CommandList)
    if not options.option_count:
        return False
    return str(options.get_option_at_index(0).prompt).startswith(first)


async def pick(pilot, placeholder: str, text: str) -> None:  # type: ignore[no-untyped-def]
    """Type ``text`` into the open palette and choose the first match."""
    app = pilot.app
    await until(
        lambda: (
            isinstance(app.screen, CommandPalette)
            and app.screen.query_one(CommandInput).placeholder == placeholder
        )
    )
    await pilot.press(*keys(text))
    await until(lambda: offered(app, placeholder, text))
    await pilot.press("down")
    await until(lambda: app.screen.query_one(CommandList).highlighted == 0)
    await pilot.press("enter")


async def change_theme_in_palette(pilot, name: str) -> None:  # type: ignore[no-untyped-def]
    """What a user does: ctrl+p, "Theme" (change the theme), then the theme's name."""
    app = pilot.app
    await pilot.press("ctrl+p")
    await pick(pilot, "Search for commands…", "Theme")
    await pick(pilot, "Search for themes…", name)
    await until(lambda: app.theme == name and not isinstance(app.screen, CommandPalette))
    await pilot.pause()


async def test_palette_switches_theme_and_level_colours_follow_live() -> None:
    app, feeds = themed_app(Settings())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, feeds)
        assert app.theme == "textual-dark"
        dark_error, _ = coloured(app, WORDS["error"])
        assert near(dark_error, Color.parse("#B93C5B"))  # textual-dark's own $error, kept

        await change_theme_in_palette(pilot, "logtail-high-contrast")
        error, background = coloured(app, WORDS["error"])
        assert near(error, Color.parse(LOGTAIL_THEMES["logtail-high-contrast"].error or ""))
        assert background == Color(0, 0, 0)
        for level, text in WORDS.items():
            foreground, under = coloured(app, text)
            assert contrast(foreground, under) >= 7.0, (level, foreground.hex, under.hex)

        await change_theme_in_palette(pilot, "nord")
        expected = Color.parse(theme_variables(app.current_theme)["log-warning"])
        assert near(coloured(app, WORDS["warning"])[0], expected)


async def test_light_theme_paints_every_level_readably_on_white() -> None:
    app, feeds = themed_app(Settings(theme="logtail-light"))
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, feeds)
        shades = set()
        for level, text in WORDS.items():
            foreground, background = coloured(app, text)
            assert background == Color(255, 255, 255), level
            assert contrast(foreground, background) >= 4.5, (level, foreground.hex)
            shades.add(foreground)
        assert len(shades) == len(WORDS)  # each level keeps its own colour


async def test_choice_is_remembered_across_runs_and_theme_option_wins() -> None:
    feeds = Feeds(1)
    first = LogtailApp(feeds.specs, Settings(), feeds.factory)
    async with first.run_test(size=SIZE) as pilot:
        await change_theme_in_palette(pilot, "nord")
        await until(state_path().exists)
    assert json.loads(state_path().read_text())["theme"] == "nord"

    second = LogtailApp(Feeds(1).specs, Settings(), Feeds(1).factory)
    async with second.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert second.theme == "nord"

    chosen = LogtailApp(Feeds(1).specs, Settings(theme="logtail-light"), Feeds(1).factory)
    async with chosen.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert chosen.theme == "logtail-light"
    assert json.loads(state_path().read_text())["theme"] == "nord"  # --theme is not a choice


@pytest.mark.parametrize("content", ["{not json", '["nord"]', '{"theme": "since-removed"}', ""])
async def test_unusable_state_file_means_the_default_theme(content: str) -> None:
    path = state_path()
    path.parent.mkdir(parents=True)
    path.write_text(content)
    app, feeds = themed_app(Settings())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, feeds)
        assert app.theme == "textual-dark"
        assert WORDS["error"] in "\n".join(app.pane.render_line(y).text for y in range(len(WORDS)))


async def test_unwritable_state_is_one_sentence_and_the_theme_still_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker))
    app, feeds = themed_app(Settings())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, feeds)
        await change_theme_in_palette(pilot, "gruvbox")
        await until(lambda: len(app._notifications) > 0)
        (note,) = list(app._notifications)
        assert note.message.startswith("Could not remember the choice in ")
        assert note.message.endswith(".") and "\n" not in note.message
        assert "Traceback" not in note.message
        expected = Color.parse(theme_variables(app.current_theme)["log-error"])
        assert near(coloured(app, WORDS["error"])[0], expected)


def test_unknown_theme_option_is_a_usage_error() -> None:
    feeds = Feeds(1)
    with pytest.raises(UsageError, match=r"^Unknown theme 'neon'"):
        LogtailApp(feeds.specs, Settings(theme="neon"), feeds.factory)


async def test_the_status_bar_follows_the_theme() -> None:
    """The bar keeps its component styles between refreshes; a new theme makes new ones."""
    app, feeds = themed_app(Settings())
    async with app.run_test(size=SIZE) as pilot:
        await started(pilot, feeds)

        def badge() -> tuple[object, object]:
            drawn = next(seg for seg in app.status.render_line(0) if seg.text == " FOLLOW ")
            fresh = app.status.get_component_rich_style("status-bar--following")
            return drawn.style.bgcolor if drawn.style else None, fresh.bgcolor

        drawn, fresh = badge()
        assert drawn == fresh is not None
        await change_theme_in_palette(pilot, "logtail-high-contrast")
        await pilot.pause()
        after, fresh_after = badge()
        assert after == fresh_after is not None
        assert after != drawn
