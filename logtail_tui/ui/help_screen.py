"""The ``?`` screen: every key the app and the pane answer to, from their own bindings."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: list[tuple[str, str]] = [
    ("space", "pause / resume following"),
    ("End, G", "newest line, follow again"),
    ("Home, g", "oldest line"),
    ("↑ ↓, j k", "move the selected line (pauses)"),
    ("PgUp PgDn, wheel", "scroll (scrolling up pauses)"),
    ("/", "search; n / N next / previous match"),
    ("f", "filter bar: include, exclude, level"),
    ("l", "cycle the minimum level"),
    ("e / E", "next / previous error"),
    ("enter", "line detail: fields, pretty JSON, raw"),
    ("c", "clear the view"),
    ("w", "wrap long lines on / off"),
    ("t", "timestamps on / off"),
    ("s", "choose source (several sources)"),
    ("y", "copy the selected line (OSC 52, works over SSH)"),
    ("ctrl+s", "save the filtered view to a file"),
    ("ctrl+p", "command palette"),
    ("?", "this help"),
    ("q", "quit"),
]


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 64; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark,enter", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for key, what in KEYS:
            table.add_row(key, what)
        with VerticalScroll():
            yield Static("[b]logtail keys[/b]  (escape closes)\n")
            yield Static(table, id="help-keys")

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
