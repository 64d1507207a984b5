"""The field bar (``F``): one input for a where expression, applied live.

Like the filter bar it only edits: every valid expression (after a short pause in typing)
is posted up as `FieldBar.Changed` and the app re-filters the scrollback with it, combined
with the other filters (docs/architecture.md, "Fields and the where filter"). An expression
that does not parse shows its error and a caret under the spot; the previous one stays.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Static

from logtail_tui.core.where import ParseError
from logtail_tui.core.where_eval import Where
from logtail_tui.ui.bottom_bar import BottomBar
from logtail_tui.ui.filter_bar import DEBOUNCE, sentence
from logtail_tui.ui.safe_input import SafeInput


class FieldBar(BottomBar):
    """Edits the where expression; hidden until `open()` is called."""

    FOCUS = "#field-expr"

    BINDINGS = [
        Binding("escape", "close", "Close field filter"),
        Binding("ctrl+r", "clear", "Clear field filter"),
    ]

    DEFAULT_CSS = """
    FieldBar {
        dock: bottom;
        display: none;
        height: auto;
        padding: 0 1;
        background: $panel;
        border-top: solid $primary;
        &.-open { display: block; }
        Horizontal { height: auto; }
        .field-label { width: auto; padding: 0 1 0 0; color: $text-muted; }
        Input { width: 1fr; }
        #field-error { color: $text-error; display: none; }
        #field-error.-shown { display: block; }
    }
    """

    class Changed(Message):
        """Posted when the user changed the expression to a valid one (``None``: cleared)."""

        def __init__(self, field_bar: FieldBar, where: Where | None) -> None:
            super().__init__()
            self.field_bar = field_bar
            self.where = where
            """The expression to filter with from now on; ``None`` filters on no field."""

        @property
        def control(self) -> FieldBar:
            return self.field_bar

    class Closed(Message):
        """Posted when the user closed the bar; the expression stays."""

        def __init__(self, field_bar: FieldBar) -> None:
            super().__init__()
            self.field_bar = field_bar

        @property
        def control(self) -> FieldBar:
            return self.field_bar

    def __init__(
        self,
        *,
        utc: bool = False,
        debounce: float = DEBOUNCE,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
    ) -> None:
        """Args:
        utc: Read times in expressions in UTC (``--utc``), else in the local zone.
        debounce: Seconds to wait after the last keystroke before applying.
        name: Widget name.
        id: Widget id.
        classes: Extra CSS classes.
        """
        super().__init__(debounce=debounce, name=name, id=id, classes=classes)
        self.utc = utc
        self.where: Where | None = None
        """The expression last posted (or set); stays while the typed one is invalid."""
        self._text = ""
        self._applied = ""

    def set_where(self, where: Where | None) -> None:
        """Show ``where`` (e.g. from ``-w``) without posting it."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.where = where
        self._text = self._applied = where.text if where is not None else ""
        self._show_error(None)
        if self.is_mounted:
            with self.prevent(Input.Changed):
                self.query_one("#field-expr", Input).value = self._text

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Static("where", classes="field-label")
            expr = SafeInput(
                self._text,
                placeholder="status>=500 and path~^/api   (= != < <= > >= ~ !~, and or not, ( ))",
                compact=True,
                id="field-expr",
            )
            expr.tooltip = "Filter on fields of JSON, logfmt, access-log and syslog records."
            yield expr
        yield Static(id="field-error", markup=False)

    @on(Input.Changed, "#field-expr")
    def _typed(self, event: Input.Changed) -> None:
        event.stop()
        self._text = event.value
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_timer(self.debounce, self._apply_now)

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._apply_now()
        if self.error is None:
            self.action_close()

    def action_clear(self) -> None:
        """Empty the expression: no field filter."""
        if self.is_mounted:
            self.query_one("#field-expr", Input).value = ""
        self._text = ""
        self._apply_now()

    def action_close(self) -> None:
        self.close()
        self.post_message(self.Closed(self))

    def _apply_now(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        text = self._text.strip()
        try:
            where = Where.build(text, self.utc) if text else None
        except ParseError as exc:
            self._show_error(exc)
            return
        self._show_error(None)
        if text == self._applied:
            return
        self._applied = text
        self.where = where
        self.post_message(self.Changed(self, where))

    def _show_error(self, error: ParseError | None) -> None:
        if error is None:
            self.error = None
        else:
            # The caret sits under the input's text, after the 6 cells of "where ".
            self.error = f"{' ' * (error.position + 6)}^ {sentence(error.message)}"
        if not self.is_mounted:
            return
        label = self.query_one("#field-error", Static)
        label.update(self.error or "")
        label.set_class(error is not None, "-shown")
        self.query_one("#field-expr", Input).set_class(error is not None, "-invalid")
