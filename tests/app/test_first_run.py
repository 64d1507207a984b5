"""The first run on the demo shows a one-line key hint once; `?` starts with the same keys."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from support import until
from textual.widgets import Static

from logtail_tui.cli import app_from_argv
from logtail_tui.ui import first_run
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.help_screen import HelpScreen


def shown_notes(app: LogtailApp) -> list[str]:
    return [note.message for note in app._notifications]


@pytest.fixture
def state(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    monkeypatch.delenv("LOGTAIL_CONFIG", raising=False)
    return tmp_path / "state"


def test_hint_names_three_keys_from_the_keymap() -> None:
    assert first_run.hint() == "New here? space pause · / search · f filter · ? every key"


async def test_first_demo_run_shows_the_hint_once_and_remembers_it(state: Path) -> None:
    app = app_from_argv(["-o", "rate=50", "demo:"])
    first_run.arm(app)
    async with app.run_test(size=(100, 24)):
        await until(lambda: first_run.hint() in shown_notes(app))
    assert (state / "logtail" / first_run.MARKER).exists()
    # The config directory is the user's: nothing was written there.
    assert not (state.parent / "config").exists()

    again = app_from_argv(["-o", "rate=50", "demo:"])
    first_run.arm(again)
    async with again.run_test(size=(100, 24)):
        await until(lambda: again.store.received > 0)  # running, and past on_mount
        assert shown_notes(again) == []


async def test_no_hint_for_other_sources_and_an_unwritable_state_dir_is_harmless(
    state: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "app.log"
    log.write_text("one\n")
    app = app_from_argv([str(log)])
    first_run.arm(app)
    assert app.startup_hint is None and not state.exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_STATE_HOME", str(blocker / "state"))  # cannot become a directory
    demo = app_from_argv(["-o", "rate=50", "demo:"])
    first_run.arm(demo)  # no exception: the hint simply shows again next time
    assert demo.startup_hint == first_run.hint()
    assert first_run.due(demo.specs)


async def test_help_starts_with_the_same_three_keys_and_points_at_help(state: Path) -> None:
    app = app_from_argv(["-o", "rate=5", "demo:"])
    async with app.run_test(size=(100, 60)) as pilot:
        await pilot.press("question_mark")
        await until(lambda: isinstance(app.screen, HelpScreen))
        console = Console(width=100, record=True, file=io.StringIO())
        for static in app.screen.query(Static):
            console.print(static.content)
        shown = console.export_text().splitlines()
    assert shown[1] == "Start with: space pause · / search · f filter"
    assert shown[-1] == "Options, @NAME sources from the config file, completion: logtail --help"
