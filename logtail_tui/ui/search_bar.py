"""The search bar: a query input, a regex toggle and a counter the app writes to.

The bar only parses what the user types into a `SearchQuery`; the search itself runs
over the store (docs/architecture.md, "From bytes to a painted line") and the app reports back with `set_counter`.

Usage::

    bar = SearchBar(id="search-bar")           # mounted once, hidden
    bar.open()                                 # on "/"

    def on_search_bar_changed(self, event: SearchBar.Changed) -> None:
        self.pane.query_changed()              # highlight as the user types
        self.search_bar.set_counter("12/340")

    def on_search_bar_submitted(self, event: SearchBar.Submitted) -> None:
        self.pane.jump_to_first_match()
        self.search_bar.close()                # n / N keep working
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Checkbox, Input, Static

from logtail_tui.core.search import SearchQuery
from logtail_tui.ui.bottom_bar import BottomBar
from logtail_tui.ui.filter_bar import sentence
from logtail_tui.ui.safe_input import SafeInput

DEBOUNCE = 0.15
"""Seconds of quiet typing before the query is posted."""

_QueryKey = tuple[str, bool]


class SearchBar(BottomBar):
    FOCUS = "#search-input"

    """Edits the search query; hidden until `open()` is called."""

    BINDINGS = [
        Binding("escape", "close", "Close search"),
        Binding("ctrl+r", "toggle_regex", "Regex on/off"),
    ]

    DEFAULT_CSS = """
    SearchBar {
        dock: bottom;
        display: none;
        height: auto;
        padding: 0 1;
        background: $panel;
        border-top: solid $primary;
        &.-open { display: block; }
        Horizontal { height: 1; }
        #search-prompt { width: auto; padding: 0 1 0 0; color: $text-muted; }
        #search-input { width: 1fr; }
        #search-regex { margin: 0 1; }
        #search-counter { width: auto; min-width: 9; color: $text-muted; }
        #search-counter.-error { color: $text-error; }
        #search-error { color: $text-error; display: none; }
        #search-error.-shown { display: block; }
    }
    """

    class Changed(Message):
        """Posted when the query changed; ``query`` is ``None`` when the input is empty."""

        def __init__(self, search_bar: SearchBar, query: SearchQuery | None) -> None:
            super().__init__()
            self.search_bar = search_bar
            """The bar that sent the message."""
            self.query = query
            """The query to highlight, or ``None`` to stop searching."""

        @property
        def control(self) -> SearchBar:
            """The bar that sent the message."""
            return self.search_bar

    class Submitted(Message):
        """Posted on enter with a valid query: jump to the first match, then close."""

        def __init__(self, search_bar: SearchBar, query: SearchQuery | None) -> None:
            super().__init__()
            self.search_bar = search_bar
            """The bar that sent the message."""
            self.query = query
            """The query submitted, or ``None`` if the input was empty."""

        @property
        def control(self) -> SearchBar:
            """The bar that sent the message."""
            return self.search_bar

    class Closed(Message):
        """Posted when the user closed the bar with escape (the query stays)."""

        def __init__(self, search_bar: SearchBar) -> None:
            super().__init__()
            self.search_bar = search_bar
            """The bar that sent the message."""

        @property
        def control(self) -> SearchBar:
            """The bar that sent the message."""
            return self.search_bar

    def __init__(
        self,
        *,
        debounce: float = DEBOUNCE,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Args:
        debounce: Seconds to wait after the last keystroke before posting.
        name: Widget name.
        id: Widget id.
        classes: Extra CSS classes.
        """
        super().__init__(debounce=debounce, name=name, id=id, classes=classes)
        self.search_query: SearchQuery | None = None
        """The query last posted (or set); stays when a typed regex is invalid."""
        self._text = ""
        self._regex = False
        self._counter = ""
        self._counter_is_error = False
        self._posted: _QueryKey = ("", False)

    # -- public API -------------------------------------------------------------------

    def open(self) -> None:
        """Show the bar and focus the input with its text selected, ready to retype."""
        super().open()
        self.query_one("#search-input", Input).select_all()

    def set_search(self, text: str, regex: bool = False) -> None:
        """Show ``text`` in the bar (e.g. from ``-s``) without posting it.

        Args:
            text: The search text.
            regex: Treat ``text`` as a regular expression.
        """
        self._cancel_timer()
        self._text = text
        self._regex = regex
        if self.is_mounted:
            with self.prevent(Input.Changed, Checkbox.Changed):
                self.query_one("#search-input", Input).value = text
                self.query_one("#search-regex", Checkbox).value = regex
        valid, query = self._parse()
        if valid:
            self.search_query = query
            self._posted = (text, regex)

    def set_counter(self, text: str, *, error: bool = False) -> None:
        """Show ``text`` (e.g. ``"12/340"`` or ``"no match"``) next to the input.

        Args:
            text: What to show; plain text, never markup.
            error: Show it in the error colour.
        """
        self._counter = text
        self._counter_is_error = error
        if self.is_mounted:
            counter = self.query_one("#search-counter", Static)
            counter.update(text)
            counter.set_class(error, "-error")

    @property
    def counter(self) -> str:
        """The text the app last wrote with `set_counter`."""
        return self._counter

    # -- composition --------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("/", id="search-prompt")
            yield SafeInput(self._text, placeholder="search", compact=True, id="search-input")
            yield Checkbox("regex", self._regex, compact=True, id="search-regex")
            yield Static(
                self._counter,
                markup=False,
                id="search-counter",
                classes="-error" if self._counter_is_error else "",
            )
        yield Static(id="search-error", markup=False)

    # -- events ----------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._text = event.value
        self._cancel_timer()
        self._timer = self.set_timer(self.debounce, self._apply_now)

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._text = event.value
        if self._apply_now():
            self.post_message(self.Submitted(self, self.search_query))

    @on(Checkbox.Changed, "#search-regex")
    def _regex_toggled(self, event: Checkbox.Changed) -> None:
        event.stop()
        self._regex = event.value
        self._apply_now()

    def action_toggle_regex(self) -> None:
        """Switch between plain text and regular expression search."""
        # The checkbox posts Checkbox.Changed, which applies the query.
        checkbox = self.query_one("#search-regex", Checkbox)
        checkbox.value = not checkbox.value

    def action_close(self) -> None:
        """Hide the bar and tell the app, which gives focus back to the log."""
        self.close()
        self.post_message(self.Closed(self))

    # -- internals -------------------------------------------------------------------

    def _cancel_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _parse(self) -> tuple[bool, SearchQuery | None]:
        """``(valid, query)`` for the input; shows or clears the error sentence."""
        if not self._text:
            query = None
        else:
            try:
                query = SearchQuery.parse(self._text, regex=self._regex)
            except ValueError as exc:
                self._show_error(sentence(str(exc)))
                return False, None
        self._show_error(None)
        return True, query

    def _apply_now(self) -> bool:
        """Parse the input; post the query if it is new. False when the regex is invalid."""
        self._cancel_timer()
        valid, query = self._parse()
        if not valid:
            return False
        key = (self._text, self._regex)
        # Toggling regex on an empty input changes nothing worth posting.
        if key != self._posted and (query is not None or self.search_query is not None):
            self.search_query = query
            self.post_message(self.Changed(self, query))
        self._posted = key
        return True

    def _show_error(self, message: str | None) -> None:
        self.error = message
        if not self.is_mounted:
            return
        label = self.query_one("#search-error", Static)
        label.update(message or "")
        label.set_class(message is not None, "-shown")
        self.query_one("#search-input", Input).set_class(message is not None, "-invalid")
