"""The filter bar: include / exclude patterns, a minimum level and per-level toggles.

Patterns are regexes by default (like ``-i`` / ``-e``); ``ctrl+r`` or the ``regex`` box
makes them plain text, as in the search bar.

The bar only edits a `LineFilter`; it never filters anything itself. Every valid change
is posted up as `FilterBar.Changed` and the app re-filters the store (docs/architecture.md,
"From bytes to a painted line").

Usage::

    bar = FilterBar(id="filter-bar")           # mounted once, hidden
    bar.set_filter(initial_filter)             # pre-fill from -l/-i/-e, posts nothing
    bar.open()                                 # on "f"

    def on_filter_bar_changed(self, event: FilterBar.Changed) -> None:
        self.store_view.refilter(event.line_filter)
"""

from __future__ import annotations

import re

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, Checkbox, Input, Select, Static

from logtail_tui.core.filters import LineFilter
from logtail_tui.core.record import Level
from logtail_tui.ui.bottom_bar import BottomBar
from logtail_tui.ui.safe_input import SafeInput

DEBOUNCE = 0.15
"""Seconds of quiet typing before a filter is applied: re-filtering 1M lines costs ~0.3 s."""

LEVELS: tuple[Level, ...] = tuple(level for level in Level if level is not Level.NONE)
"""Levels offered by the selector and the toggles, lowest first."""

_FilterKey = tuple[str, str, int, frozenset[int], bool]


def sentence(message: str) -> str:
    """``message`` as one sentence: capital first letter, final full stop."""
    message = message.strip()
    if not message:
        return message
    message = message[0].upper() + message[1:]
    return message if message.endswith((".", "!", "?")) else message + "."


def _pattern_text(patterns: tuple[re.Pattern[str], ...]) -> str:
    # Include matches if any pattern does and exclude hides if any does, so several
    # patterns are exactly one alternation; showing them joined keeps the bar honest.
    return "|".join(p.pattern for p in patterns)


class FilterBar(BottomBar):
    FOCUS = "#filter-include"

    """Edits the view's filter; hidden until `open()` is called."""

    BINDINGS = [
        Binding("escape", "close", "Close filter"),
        Binding("ctrl+r", "toggle_regex", "Regex on/off"),
        Binding("ctrl+l", "clear", "Clear filter"),
    ]

    DEFAULT_CSS = """
    FilterBar {
        dock: bottom;
        display: none;
        height: auto;
        padding: 0 1;
        background: $panel;
        border-top: solid $primary;
        &.-open { display: block; }
        Horizontal { height: auto; }
        .filter-label { width: auto; padding: 0 1 0 0; color: $text-muted; }
        Input { width: 1fr; margin: 0 2 0 0; }
        Select { width: 14; }
        Checkbox { margin: 0 1 0 0; }
        Button { margin: 0 0 0 1; }
        #filter-error { color: $text-error; display: none; }
        #filter-error.-shown { display: block; }
    }
    """

    class Changed(Message):
        """Posted when the user changed the filter to a valid one."""

        def __init__(self, filter_bar: FilterBar, line_filter: LineFilter) -> None:
            super().__init__()
            self.filter_bar = filter_bar
            """The bar that sent the message."""
            self.line_filter = line_filter
            """The filter to apply from now on."""

        @property
        def control(self) -> FilterBar:
            """The bar that sent the message."""
            return self.filter_bar

    class Closed(Message):
        """Posted when the user closed the bar (escape, or enter on a valid filter); the filter stays."""

        def __init__(self, filter_bar: FilterBar) -> None:
            super().__init__()
            self.filter_bar = filter_bar
            """The bar that sent the message."""

        @property
        def control(self) -> FilterBar:
            """The bar that sent the message."""
            return self.filter_bar

    def __init__(
        self,
        *,
        debounce: float = DEBOUNCE,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Args:
        debounce: Seconds to wait after the last keystroke before applying.
        name: Widget name.
        id: Widget id.
        classes: Extra CSS classes.
        """
        super().__init__(debounce=debounce, name=name, id=id, classes=classes)
        self.line_filter = LineFilter()
        """The filter last posted (or set); stays when a typed regex is invalid."""
        self._include = ""
        self._exclude = ""
        self._level: int = Level.NONE
        self._hidden: frozenset[int] = frozenset()
        self._regex = True
        self._applied: _FilterKey = ("", "", Level.NONE, frozenset(), True)

    # -- public API -------------------------------------------------------------------

    def set_filter(self, line_filter: LineFilter) -> None:
        """Show ``line_filter`` in the bar (e.g. from ``-l/-i/-e``) without posting it.

        Several include (or exclude) patterns are shown joined with ``|``, which means
        the same thing; the original filter stays in force until the user edits the bar.
        """
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self._include = _pattern_text(line_filter.include)
        self._exclude = _pattern_text(line_filter.exclude)
        self._level = int(line_filter.level)
        self._hidden = frozenset(line_filter.hidden_levels)
        self._regex = True  # -i / -e are regexes
        self.line_filter = line_filter
        self._applied = self._key()
        self._show_error(None)
        if self.is_mounted:
            self._push_state()

    def clear(self) -> None:
        """Reset every control; posts an inactive filter if that changes anything."""
        self._include = self._exclude = ""
        self._level = Level.NONE
        self._hidden = frozenset()
        if self.is_mounted:
            self._push_state()
        self._apply_now()

    # -- composition --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        # Two rows that fit 80 columns: patterns, level and clear; then the toggles.
        with Horizontal():
            yield Static("include", classes="filter-label")
            include = SafeInput(self._include, placeholder="regex", compact=True, id="filter-include")
            include.tooltip = "Show only lines matching this regex (a|b for several)."
            yield include
            yield Static("exclude", classes="filter-label")
            exclude = SafeInput(self._exclude, placeholder="regex", compact=True, id="filter-exclude")
            exclude.tooltip = "Hide lines matching this regex (a|b for several)."
            yield exclude
            yield Select(
                [("any level", int(Level.NONE))]
                + [(f"≥ {level.name.lower()}", int(level)) for level in LEVELS],
                allow_blank=False,
                value=self._level,
                compact=True,
                id="filter-level",
            )
            yield Button("Clear", compact=True, id="filter-clear")
        with Horizontal():
            yield Static("show", classes="filter-label")
            for level in LEVELS:
                yield Checkbox(
                    level.label,
                    level not in self._hidden,
                    compact=True,
                    id=f"filter-show-{level.name.lower()}",
                )
            yield Checkbox("regex", self._regex, compact=True, id="filter-regex")
        yield Static(id="filter-error", markup=False)

    # -- events ----------------------------------------------------------------------

    @on(Input.Changed, "#filter-include, #filter-exclude")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        if event.input.id == "filter-include":
            self._include = event.value
        else:
            self._exclude = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.debounce, self._apply_now)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply_now()
        if self.error is None:  # enter means "done"; with a bad regex, stay and show why
            self.action_close()

    @on(Select.Changed, "#filter-level")
    def _level_changed(self, event: Select.Changed) -> None:
        event.stop()
        if isinstance(event.value, int):
            self._level = event.value
            self._apply_now()

    @on(Checkbox.Changed)
    def _toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        if event.checkbox.id == "filter-regex":
            self._regex = event.value
            self._apply_now()
            return
        self._hidden = frozenset(
            level
            for level in LEVELS
            if not self.query_one(f"#filter-show-{level.name.lower()}", Checkbox).value
        )
        self._apply_now()

    @on(Button.Pressed, "#filter-clear")
    def _clear_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.clear()

    def action_clear(self) -> None:
        """Clear every field of the filter."""
        self.clear()

    def action_toggle_regex(self) -> None:
        """Patterns as regexes or as plain text (``ctrl+r``, as in the search bar)."""
        box = self.query_one("#filter-regex", Checkbox)
        box.value = not box.value  # posts Checkbox.Changed, which applies it

    def action_close(self) -> None:
        """Hide the bar and tell the app, which gives focus back to the log."""
        self.close()
        self.post_message(self.Closed(self))

    # -- internals -------------------------------------------------------------------

    def _key(self) -> _FilterKey:
        return (self._include, self._exclude, self._level, self._hidden, self._regex)

    def _apply_now(self) -> None:
        """Build the filter from the controls; post it if it is valid and new."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        key = self._key()
        if key == self._applied and self.error is None:
            return
        try:
            line_filter = self._build()
        except ValueError as exc:
            self._show_error(sentence(str(exc)))
            return
        self._show_error(None)
        if key == self._applied:
            return
        self._applied = key
        self.line_filter = line_filter
        self.post_message(self.Changed(self, line_filter))

    def _build(self) -> LineFilter:
        def pattern(text: str) -> tuple[str, ...]:
            return (text if self._regex else re.escape(text),) if text else ()

        return LineFilter.build(
            level=self._level,
            include=pattern(self._include),
            exclude=pattern(self._exclude),
            hidden_levels=self._hidden,
        )

    def _show_error(self, message: str | None) -> None:
        self.error = message
        if not self.is_mounted:
            return
        label = self.query_one("#filter-error", Static)
        label.update(message or "")
        label.set_class(message is not None, "-shown")
        for input_id, text in (
            ("#filter-include", self._include),
            ("#filter-exclude", self._exclude),
        ):
            self.query_one(input_id, Input).set_class(
                message is not None and self._regex and not _compiles(text), "-invalid"
            )

    def _push_state(self) -> None:
        """Copy the internal state into the controls without re-posting it."""
        with self.prevent(Input.Changed, Select.Changed, Checkbox.Changed):
            self.query_one("#filter-include", Input).value = self._include
            self.query_one("#filter-exclude", Input).value = self._exclude
            self.query_one("#filter-level", Select).value = self._level
            self.query_one("#filter-regex", Checkbox).value = self._regex
            for level in LEVELS:
                box = self.query_one(f"#filter-show-{level.name.lower()}", Checkbox)
                box.value = level not in self._hidden


def _compiles(pattern: str) -> bool:
    try:
        re.compile(pattern)
    except re.error:
        return False
    return True
