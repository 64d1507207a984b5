"""Plain mode's colour stays the terminal's: NO_COLOR and --color never win, themes are TUI-only."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import run_cli

LOG = "INFO started\nWARN disk 91% full\nERROR payment failed\n"


@pytest.fixture
def app_log(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    path.write_text(LOG)
    return path


@pytest.mark.parametrize("theme", [[], ["--theme", "logtail-high-contrast"]])
def test_color_never_and_no_color_print_no_escapes(app_log: Path, theme: list[str]) -> None:
    never = run_cli("--plain", "--no-follow", "--color", "never", *theme, str(app_log))
    assert never.returncode == 0 and never.stdout == LOG
    no_color = run_cli(
        "--plain", "--no-follow", "--color", "auto", *theme, str(app_log), env={"NO_COLOR": "1"}
    )
    assert no_color.returncode == 0 and no_color.stdout == LOG


def test_a_theme_does_not_change_plain_colours(app_log: Path) -> None:
    plain = run_cli("--plain", "--no-follow", "--color", "always", str(app_log))
    themed = run_cli(
        "--plain", "--no-follow", "--color", "always", "--theme", "logtail-light", str(app_log)
    )
    assert "\x1b[31m" in plain.stdout  # the ERROR line, in the terminal's own red
    assert themed.stdout == plain.stdout


def test_help_lists_theme_and_serve() -> None:
    result = run_cli("--help", env={"COLUMNS": "100"})
    for option in ("--theme NAME", "--serve", "--port N", "--host HOST"):
        assert option in result.stdout


def test_a_misspelt_theme_is_a_usage_error_in_plain_mode_too(app_log: Path) -> None:
    result = run_cli("--plain", "--no-follow", "--theme", "nrod", str(app_log))
    assert result.returncode == 2, result.stdout
    assert result.stdout == ""
    assert result.stderr.startswith("logtail: Unknown theme 'nrod': choose one of ")
    assert len(result.stderr.strip().splitlines()) == 1
