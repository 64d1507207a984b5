"""The footer: the keys that apply now, drawn as one line of text.

Textual's ``Footer`` mounts a widget for each key and restyles each of them as it starts,
about a fifth of a second before the app first answers keys. This widget shows the same keys
(``screen.active_bindings``, those with ``show``, one a action), in the same colours and
spacing, as one line it renders itself; a click on a key presses it, as on ``Footer``.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget


class KeyFooter(Widget, can_focus=False):
    """The key hints at the bottom of the screen (see the module's docstring)."""

    ALLOW_SELECT = False
    COMPONENT_CLASSES = {"key-footer--key", "key-footer--description", "key-footer--rule"}
    DEFAULT_CSS = """
    KeyFooter {
        dock: bottom;
        height: 1;
        color: $footer-foreground;
        background: $footer-background;
        .key-footer--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-footer--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
        .key-footer--rule {
            color: $foreground 20%;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._spans: list[tuple[int, int, Binding, bool]] = []
        """Where each key was drawn: (start, end, binding, enabled)."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self.refresh()

    def keys(self) -> list[tuple[Binding, bool]]:
        """The keys shown, in order: one binding an action, and whether it is enabled."""
        shown: dict[str, tuple[Binding, bool]] = {}
        palette = self.app.COMMAND_PALETTE_BINDING if self.app.ENABLE_COMMAND_PALETTE else ""
        for key, (_node, binding, enabled, _tooltip) in self.screen.active_bindings.items():
            if binding.show and key != palette:
                shown.setdefault(binding.action, (binding, enabled))
        return list(shown.values())

    def labels(self) -> dict[str, str]:
        """Key -> description of what is shown (for tests and the help screen)."""
        return {binding.key: binding.description for binding, _ in self.keys()}

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-footer--key")
        text_style = self.get_component_rich_style("key-footer--description")
        dim = Style(dim=True)
        line = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for binding, enabled in self.keys():
            start = line.cell_len
            line.append(
                f" {self.app.get_key_display(binding)} ", key_style + (None if enabled else dim)
            )
            line.append(f"{binding.description} ", text_style + (None if enabled else dim))
            self._spans.append((start, line.cell_len, binding, enabled))
        palette = self._palette()
        if palette is not None:
            # Docked right as on Footer: a thin rule, the key, its description, one space.
            key = self.app.get_key_display(palette)
            room = self.size.width - line.cell_len - len(key) - len(palette.description) - 3
            if room >= 0:
                line.append(" " * room)
                start = line.cell_len
                line.append("▏", self.get_component_rich_style("key-footer--rule"))
                line.append(key, key_style)
                line.append(f" {palette.description} ", text_style)
                self._spans.append((start, line.cell_len, palette, True))
        return line

    def _palette(self) -> Binding | None:
        if not self.app.ENABLE_COMMAND_PALETTE:
            return None
        found = self.screen.active_bindings.get(self.app.COMMAND_PALETTE_BINDING)
        return found[1] if found is not None else None

    def on_click(self, event: events.Click) -> None:
        for start, end, binding, enabled in self._spans:
            if start <= event.x < end:
                if enabled:
                    self.app.simulate_key(binding.key)
                else:
                    self.app.bell()
                return
