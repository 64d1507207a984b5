"""Starts the TUI; the one place that touches the terminal before Textual does."""

from __future__ import annotations

import os
from collections.abc import Sequence

from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import SourceSpec


def run_tui(specs: Sequence[SourceSpec], settings: Settings) -> int:
    """Run the app until the user quits; returns the exit status."""
    # Textual repaints on a fixed grid (60/s by default), which alone adds ~8 ms on average
    # between a line arriving and it being drawn. Data flushes are capped at 60/s anyway
    # (app.FLUSH_INTERVAL), so a finer grid costs nothing under load. Read at import time.
    os.environ.setdefault("TEXTUAL_FPS", "240")
    from logtail_tui.ui.app import LogtailApp

    result = LogtailApp(specs, settings).run()
    return result if isinstance(result, int) else 0
