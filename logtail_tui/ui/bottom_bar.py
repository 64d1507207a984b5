"""What the filter and search bars share: hidden until opened, focus handed back on close."""

from __future__ import annotations

from textual.timer import Timer
from textual.widget import Widget


class BottomBar(Widget):
    """A bar the app opens on a key and closes with escape.

    Subclasses name the input to focus (`FOCUS`) and apply pending edits in `_apply_now`.
    """

    FOCUS = "Input"
    """Selector of the widget that takes the focus when the bar opens."""

    def __init__(
        self,
        *,
        debounce: float,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        # Disabled while closed, so nothing hidden inside can take the focus (Textual
        # auto-focuses the first focusable widget, hidden or not).
        super().__init__(name=name, id=id, classes=classes, disabled=True)
        self.debounce = debounce
        """Seconds of quiet typing before an edit is applied."""
        self.error: str | None = None
        """The sentence shown for an invalid regex, if any."""
        self._timer: Timer | None = None
        self._return_focus: Widget | None = None

    @property
    def is_open(self) -> bool:
        """True while the bar is shown."""
        return self.has_class("-open")

    def open(self) -> None:
        """Show the bar and focus its input."""
        focused = self.screen.focused
        if focused is not None and self not in focused.ancestors_with_self:
            self._return_focus = focused
        self.disabled = False
        self.add_class("-open")
        # At once, not with Widget.focus (which waits for the next turn of the queue): keys
        # typed in the same burst as the one that opened the bar are queued already, and
        # would go to the log pane as commands.
        self.screen.set_focus(self.query_one(self.FOCUS))

    def close(self) -> None:
        """Hide the bar, applying a pending edit first (never posting ``Closed``).

        The focus goes back to the widget that had it before `open()`, if it is still there.
        """
        self._apply_now()
        self.remove_class("-open")
        self.disabled = True
        focus_back = self._return_focus
        if focus_back is not None and focus_back.is_attached and focus_back.focusable:
            self.screen.set_focus(focus_back)  # at once, as in open()
        self._return_focus = None

    def _apply_now(self) -> object:
        """Apply (post) an edit still waiting for the debounce."""
        raise NotImplementedError
