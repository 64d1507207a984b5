"""The ``?`` screen: every key the app and the pane answer to, grouped by task (from keymap.py)."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from logtail_tui.ui import first_run, keymap


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 76; height: auto; max-height: 90%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [Binding("escape,q,question_mark,enter", "dismiss", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-keys"):
            yield Static("[b]logtail keys[/b]  (escape closes)")
            yield Static(Text(f"Start with: {first_run.essentials()}", style="italic"))
            for group, rows in keymap.help_rows():
                table = Table.grid(padding=(0, 2))
                table.add_column(style="bold", no_wrap=True, min_width=10)
                table.add_column()
                for keys, what in rows:
                    table.add_row(Text(keys), Text(what))
                yield Static(Text(f"\n{group}", style="bold underline"))
                yield Static(table)
            yield Static(
                Text("\nOptions, @NAME sources from the config file, completion: logtail --help")
            )

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)
