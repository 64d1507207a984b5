"""The save dialog: asks where to write the filtered view.

It only chooses a path; the app writes the file (it knows the store and the filter).

Usage::

    def action_save(self) -> None:
        self.push_screen(SaveScreen(), self._save_to)   # _save_to(path: str | None)
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from logtail_tui.ui.safe_input import SafeInput


def default_name(now: datetime | None = None) -> str:
    """``logtail-YYYYmmdd-HHMMSS.log`` for ``now`` (default: the current local time)."""
    return f"logtail-{(now or datetime.now()):%Y%m%d-%H%M%S}.log"


def check_path(text: str, directory: Path) -> tuple[Path | None, str | None]:
    """Resolve ``text`` against ``directory``; return ``(path, None)`` or ``(None, error)``.

    The error is one sentence saying what is wrong and what to do.
    """
    text = text.strip()
    if not text:
        return None, "Type the name of the file to save to."
    path = Path(os.path.expanduser(text))
    if not path.is_absolute():
        path = directory / path
    parent = path.parent
    if path.is_dir():
        return None, f"{path} is a directory; add a file name to it."
    if not parent.is_dir():
        return None, f"The directory {parent} does not exist; create it or choose another path."
    if not os.access(parent, os.W_OK):
        return None, f"You cannot write to {parent}; choose another directory."
    return path, None


class SaveScreen(ModalScreen[str | None]):
    """Returns the chosen path on enter, ``None`` on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    DEFAULT_CSS = """
    SaveScreen {
        align: center middle;
        #save {
            width: 80%;
            max-width: 100;
            height: auto;
            padding: 0 1;
            background: $surface;
            border: thick $primary;
            border-subtitle-color: $text-muted;
        }
        #save-error { color: $text-error; display: none; }
        #save-error.-shown { display: block; }
        #save-warning { color: $text-warning; display: none; }
        #save-warning.-shown { display: block; }
    }
    """

    def __init__(self, directory: str | Path | None = None, name: str | None = None) -> None:
        """Args:
        directory: Where relative paths point; the current directory by default.
        name: The file name offered; ``logtail-YYYYmmdd-HHMMSS.log`` by default.
        """
        super().__init__()
        self.directory = Path(directory) if directory is not None else Path.cwd()
        """Directory relative paths are resolved against."""
        self.suggested = name or default_name()
        """The file name the input starts with."""
        self.error: str | None = None
        """The sentence shown for the last rejected path, if any."""
        self._confirm_overwrite: Path | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="save") as box:
            box.border_title = "Save the filtered view"
            box.border_subtitle = "enter save · escape cancel"
            yield SafeInput(self.suggested, id="save-path")
            yield Static(id="save-error", markup=False)
            yield Static(id="save-warning", markup=False)

    def on_mount(self) -> None:
        self.query_one("#save-path", Input).focus()

    @on(Input.Submitted, "#save-path")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        path, error = check_path(event.value, self.directory)
        if path is None:
            self._show(error=error)
            return
        if path.exists() and path != self._confirm_overwrite:
            # A second enter on the same path is the confirmation.
            self._confirm_overwrite = path
            self._show(warning=f"{path} already exists; press enter again to overwrite it.")
            return
        self.dismiss(str(path))

    @on(Input.Changed, "#save-path")
    def _edited(self, event: Input.Changed) -> None:
        event.stop()
        self._confirm_overwrite = None
        self._show()

    def action_cancel(self) -> None:
        """Close without saving."""
        self.dismiss(None)

    def _show(self, error: str | None = None, warning: str | None = None) -> None:
        self.error = error
        for widget_id, message in (("#save-error", error), ("#save-warning", warning)):
            label = self.query_one(widget_id, Static)
            label.update(message or "")
            label.set_class(message is not None, "-shown")
        self.query_one("#save-path", Input).set_class(error is not None, "-invalid")
