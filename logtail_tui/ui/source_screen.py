"""The ``s`` picker: show every source, or only one of them."""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option


class SourceScreen(ModalScreen[int | None]):
    """Dismisses with a source index, ``-1`` for all sources, or ``None`` when cancelled."""

    DEFAULT_CSS = """
    SourceScreen { align: center middle; }
    SourceScreen > Vertical {
        width: 72; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    SourceScreen OptionList { height: auto; max-height: 20; }
    """
    BINDINGS = [Binding("escape,q", "cancel", "Cancel")]

    def __init__(self, labels: Sequence[str], selected: frozenset[int] = frozenset()) -> None:
        super().__init__()
        self.labels = list(labels)
        self.selected = selected

    def compose(self) -> ComposeResult:
        options = [Option(Text("All sources"), id="all")]
        for i, label in enumerate(self.labels):
            mark = "● " if i in self.selected else "  "
            options.append(Option(Text(f"{mark}{label}"), id=str(i)))
        with Vertical():
            yield Static("Show which source? (enter picks, escape cancels)")
            yield OptionList(*options, id="sources")

    def on_mount(self) -> None:
        option_list = self.query_one(OptionList)
        option_list.focus()
        if len(self.selected) == 1:
            option_list.highlighted = next(iter(self.selected)) + 1

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        option_id = event.option.id
        self.dismiss(-1 if option_id == "all" else int(option_id or 0))

    def action_cancel(self) -> None:
        self.dismiss(None)
