"""Which theme the app starts with, and remembering the user's change of theme.

``--theme`` wins; otherwise the theme last chosen in the palette (the state file); otherwise
Textual's default. Only changes made while running are remembered, so ``--theme`` once does
not replace the remembered choice. See docs/architecture.md, "Themes".
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.theme import Theme

from logtail_tui.core.state_file import load_state, save_state
from logtail_tui.ui.themes import DEFAULT_THEME, LOGTAIL_THEMES, check_theme


class ThemeChoice:
    """Registers logtail's themes on ``app``, picks the first and remembers later picks."""

    def __init__(self, app: App[Any], requested: str | None) -> None:
        """Set the starting theme.

        Raises:
            UsageError: ``requested`` names no theme.
        """
        self.app = app
        for theme in LOGTAIL_THEMES.values():
            app.register_theme(theme)
        check_theme(requested)
        names = app.available_themes
        remembered = load_state().get("theme")
        if not (isinstance(remembered, str) and remembered in names):
            remembered = None  # a theme since removed, or a hand-edited file: not an error
        self.current = requested or remembered or DEFAULT_THEME
        app.theme = self.current

    def start(self) -> None:
        """Listen for theme changes (the palette's "Change theme"); call once mounted."""
        self.app.theme_changed_signal.subscribe(self.app, self._changed)

    def _changed(self, theme: Theme) -> None:
        if theme.name == self.current:
            return
        self.current = theme.name
        problem = save_state(theme=theme.name)
        if problem is not None:
            self.app.notify(problem, title="Theme", severity="warning", markup=False)
