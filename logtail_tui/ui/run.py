"""Builds and runs the TUI; the one place that touches the terminal before Textual does."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import Source, SourceSpec

if TYPE_CHECKING:
    from logtail_tui.ui.app import LogtailApp


def make_app(
    specs: Sequence[SourceSpec],
    settings: Settings,
    factory: Callable[[SourceSpec, Settings], Source] | None = None,
) -> LogtailApp:
    """The app for ``specs``; ``factory`` creates sources (default: the installed adapters)."""
    # Textual repaints on a fixed grid (60/s by default), which alone adds ~8 ms on average
    # between a line arriving and it being drawn. Data flushes are capped at 60/s anyway
    # (app.FLUSH_INTERVAL), so a finer grid costs nothing under load. Read at import time.
    os.environ.setdefault("TEXTUAL_FPS", "240")
    from logtail_tui.ui.app import LogtailApp

    if factory is None:
        return LogtailApp(specs, settings)
    return LogtailApp(specs, settings, factory)


def run_app(app: LogtailApp) -> int:
    """Run ``app`` until the user quits; returns the exit status."""
    from logtail_tui.ui import first_run

    first_run.arm(app)
    result = app.run()
    return result if isinstance(result, int) else 0
