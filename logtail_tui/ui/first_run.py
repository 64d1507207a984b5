"""The one-line hint of the three most useful keys, on the first run on the demo source.

"Seen" is a marker file under ``$XDG_STATE_HOME/logtail`` (default ``~/.local/state``):
logtail's own state, never the user's config file. A marker that cannot be written only
means the hint shows again next time (docs/architecture.md, "Configuration").
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from logtail_tui.sources.contract import SourceSpec
from logtail_tui.ui import keymap

if TYPE_CHECKING:
    from logtail_tui.ui.app import LogtailApp

ESSENTIAL = ("toggle_pause", "search", "filter")
"""The three keys a newcomer needs first, by action (keymap.py declares them)."""
MARKER = "demo-hint-shown"


def essentials() -> str:
    """``space pause · / search · f filter``, from the keymap's keys and footer labels."""
    keys = {key.action: key for key in keymap.KEYS}
    return " · ".join(f"{keys[a].display} {keys[a].footer.lower()}" for a in ESSENTIAL)


def hint() -> str:
    """The first-run line: the three keys, and where the rest are."""
    return f"New here? {essentials()} · ? every key"


def marker() -> Path:
    """The file whose presence means the hint was shown."""
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "logtail" / MARKER


def due(specs: Sequence[SourceSpec]) -> bool:
    """Whether this run should show the hint: on the demo, never shown before."""
    return any(spec.scheme == "demo" for spec in specs) and not marker().exists()


def remember() -> None:
    """Mark the hint as shown; a read-only home only means it shows again."""
    try:
        path = marker()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    except OSError:
        pass


def arm(app: LogtailApp) -> None:
    """Have ``app`` show the hint when it starts, if due (called for real runs only)."""
    if due(app.specs):
        app.startup_hint = hint()
        remember()
