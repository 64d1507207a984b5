"""The keymap is the one declaration of keys: bindings, palette, help and README follow it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from logtail_tui.ui import keymap
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.log_pane import LogPane

ROOT = Path(__file__).resolve().parents[2]


def readme_keys_section() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start, end = "<!-- keys:start -->\n", "<!-- keys:end -->"
    assert start in readme and end in readme, "README lost its key-table markers"
    return readme.split(start, 1)[1].split(end, 1)[0]


def test_readme_key_table_is_the_generated_one() -> None:
    printed = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "keys_table.py")],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    ).stdout
    assert printed.count("\n") > len(keymap.GROUPS)
    assert readme_keys_section() == printed, (
        "README key table drifted: run `python scripts/keys_table.py --write`."
    )


def test_a_changed_keymap_changes_the_table() -> None:
    # The drift test above can fail: a key's help text is in the table.
    table = keymap.markdown_table()
    for key in keymap.KEYS:
        if key.help:
            assert f"| {key.help} |" in table


def test_every_bound_action_has_a_method_on_its_target() -> None:
    targets = {"app": LogtailApp, "pane": LogPane}
    for key in keymap.KEYS:
        if key.scope in targets:
            assert hasattr(targets[key.scope], f"action_{key.action}"), key


def test_no_key_means_two_things() -> None:
    seen: dict[str, str] = {}
    for key in keymap.KEYS:
        for name in key.keys.split(","):
            if name in seen:
                # Only space has two entries: one action each for following and paused.
                assert name == "space" and {seen[name], key.action} == {"toggle_pause", "resume"}
            seen[name] = key.action


def test_every_group_has_keys_and_bindings_come_from_the_keymap() -> None:
    for group, rows in keymap.help_rows():
        assert rows, group
    assert {b.action for b in LogPane.BINDINGS} == {  # type: ignore[union-attr]
        k.action for k in keymap.KEYS if k.scope == "pane"
    }
    assert {b.action for b in LogtailApp.BINDINGS} == {  # type: ignore[union-attr]
        k.action for k in keymap.KEYS if k.scope == "app"
    }
