"""Component styles kept while the CSS that made them stands.

Textual's `Widget.get_component_rich_style` caches its answer until the widget's next
refresh. The log pane and the status bar are refreshed at every batch and ask for their
component styles at every line they style, so each batch built them again: most of the
status bar's share of a frame, and part of each flush. `KeptStyles` keeps each one until
applying CSS (a theme) makes the component's styles anew.
"""

from __future__ import annotations

from rich.style import Style
from textual.widget import Widget


class KeptStyles:
    """``kept(name)`` is ``widget.get_component_rich_style(name)``, made once per CSS."""

    def __init__(self, widget: Widget) -> None:
        self._widget = widget
        self._kept: dict[str, tuple[object, Style]] = {}

    def __call__(self, name: str) -> Style:
        widget = self._widget
        made_from = widget._component_styles.get(name)  # replaced when CSS is applied
        kept = self._kept.get(name)
        if kept is None or kept[0] is not made_from:
            kept = self._kept[name] = (made_from, widget.get_component_rich_style(name))
        return kept[1]


__all__ = ["KeptStyles"]
