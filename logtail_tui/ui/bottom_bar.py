"""What the filter and search bars share: hidden until opened, focus handed back on close,
and controls made after the first screen rather than before it."""

from __future__ import annotations

import asyncio

from textual.app import ComposeResult
from textual.compose import compose
from textual.timer import Timer
from textual.widget import Widget


class BottomBar(Widget):
    """A bar the app opens on a key and closes with escape.

    Subclasses name the input to focus (`FOCUS`), yield their controls from
    `compose_controls`, apply pending edits in `_apply_now` and show errors in `_show_error`.

    The controls (inputs, selects, check boxes) are made when the bar first opens: making the
    three bars' controls at start-up cost ~0.15 s before the first keys were answered. Until
    then the bar keeps its state in attributes; `has_controls` says whether they exist.
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
        self.has_controls = False
        """Whether the controls are mounted (so they can be queried)."""
        self._building = False
        self._built = asyncio.Event()
        self._open_wanted = False

    def compose(self) -> ComposeResult:
        if self._building:
            yield from self.compose_controls()

    def compose_controls(self) -> ComposeResult:
        """The bar's controls, made from its state."""
        raise NotImplementedError

    async def build(self) -> None:
        """Make the controls (once) and wait until they are mounted. The app's key actions
        await this before opening the bar, so keys typed right after wait for the input."""
        if self._building:
            await self._built.wait()
            return
        self._building = True
        await self.mount_all(compose(self))
        self.has_controls = True
        self._built.set()
        self._show_error(self.error)
        if self._open_wanted:
            self.open()

    @property
    def is_open(self) -> bool:
        """True while the bar is shown."""
        return self.has_class("-open")

    def open(self) -> None:
        """Show the bar and focus its input (once the controls are up)."""
        focused = self.screen.focused
        if focused is not None and self not in focused.ancestors_with_self:
            self._return_focus = focused
        self.disabled = False
        self.add_class("-open")
        if not self.has_controls:  # opened other than by a key action: focus once built
            self._open_wanted = True
            self.call_later(self.build)
            return
        self._open_wanted = False
        self.query_one(self.FOCUS).focus()
        self._opened()

    def _opened(self) -> None:
        """The bar is open and its input focused."""

    def close(self) -> None:
        """Hide the bar, applying a pending edit first (never posting ``Closed``).

        The focus goes back to the widget that had it before `open()`, if it is still there.
        """
        self._apply_now()
        self._open_wanted = False
        self.remove_class("-open")
        self.disabled = True
        focus_back = self._return_focus
        if focus_back is not None and focus_back.is_attached and focus_back.focusable:
            focus_back.focus()
        self._return_focus = None

    def _apply_now(self) -> object:
        """Apply (post) an edit still waiting for the debounce."""
        raise NotImplementedError

    def _show_error(self, message: str | None) -> None:
        """Show ``message`` under the controls (``None``: no error)."""
        raise NotImplementedError
