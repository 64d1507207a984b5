"""Columns (``C``): chosen fields drawn as aligned columns before the message.

The picker offers the fields seen in the recent records of the current source (the
selected line's, else the newest line's); the choice is remembered per source for the
session. A record with fields (JSON, logfmt, access log, syslog) is then drawn as
``TIME LEVEL [source] value1  value2  message rest=of fields``: each value padded or cut to
its column's width, and the chosen fields left out of the rest so nothing shows twice.
Only drawn lines pay for this: the pane asks `Columns.apply` when it renders a line
(docs/architecture.md, "Fields and the where filter").
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from logtail_tui.core.fields import FieldMap, compact, interpret
from logtail_tui.core.record import Record
from logtail_tui.core.record_fields import MISSING, field_value, fields_of
from logtail_tui.core.sanitize import sanitize
from logtail_tui.core.scrollback import Scrollback
from logtail_tui.ui.host import Host

SAMPLE = 500
"""Records of the source whose fields the picker offers (the newest ones)."""
SCAN = 20_000
"""Lines looked at, at most, to find them (other sources' lines are skipped)."""
MAX_WIDTH = 28
"""A column is never wider than this; longer values are cut with ``…``."""


def cell_text(value: Any) -> str:
    """A field value as a column shows it (one line, no control characters)."""
    if value is MISSING or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return sanitize(value if isinstance(value, str) else compact(value))


@dataclasses.dataclass(frozen=True, slots=True)
class ColumnSet:
    """The fields shown for one source and the width of each column."""

    fields: tuple[str, ...]
    widths: tuple[int, ...]


class Columns:
    """Column choices per source (for the session) and how a record is drawn with them.

    Args:
        field_map: ``--field`` overrides, so the rest of a record reads as it did.
    """

    def __init__(self, field_map: Mapping[str, str] | None = None) -> None:
        self.by_source: dict[int, ColumnSet] = {}
        self._fields = FieldMap.build(field_map or {})

    def choose(self, source: int, fields: Sequence[str], widths: Sequence[int]) -> None:
        """Show ``fields`` (empty: none) as columns for ``source`` from now on."""
        if fields:
            self.by_source[source] = ColumnSet(tuple(fields), tuple(widths))
        else:
            self.by_source.pop(source, None)

    def apply(self, record: Record) -> Record:
        """``record`` with its chosen fields in front as aligned columns (unchanged when
        its source has no columns or it has no fields)."""
        columns = self.by_source.get(record.source)
        if columns is None:
            return record
        fields = fields_of(record.raw or record.text)
        if fields is None:
            return record
        cells = []
        for name, width in zip(columns.fields, columns.widths, strict=True):
            text = cell_text(field_value(fields, name))
            cells.append(text[: width - 1] + "…" if len(text) > width else text.ljust(width))
        rest = record.text
        if record.raw is not None and (record.raw.lstrip().startswith("{") or "=" in record.raw):
            chosen = set(columns.fields)
            kept = {k: v for k, v in fields.items() if k not in chosen}
            rest = sanitize(interpret(kept, self._fields).text)
        return dataclasses.replace(record, text="  ".join(cells) + "  " + rest)


def sample_fields(scrollback: Scrollback, source: int) -> list[tuple[str, int, int]]:
    """``(field, records holding it, widest value)`` of the source's newest records, the
    most common first."""
    view, store = scrollback.view, scrollback.store
    counts: Counter[str] = Counter()
    widths: dict[str, int] = {}
    seen = 0
    for index in range(len(view) - 1, max(-1, len(view) - 1 - SCAN), -1):
        record = store.record(view[index])
        if record.source != source:
            continue
        fields = fields_of(record.raw or record.text)
        if not fields:
            continue
        for name, value in fields.items():
            counts[name] += 1
            widths[name] = max(widths.get(name, 1), len(cell_text(value)))
        seen += 1
        if seen >= SAMPLE:
            break
    return [
        (name, n, widths[name]) for name, n in sorted(counts.items(), key=lambda c: (-c[1], c[0]))
    ]


class ColumnsScreen(ModalScreen[list[str] | None]):
    """Pick fields (space toggles, enter confirms, escape cancels)."""

    DEFAULT_CSS = """
    ColumnsScreen { align: center middle; }
    ColumnsScreen > Vertical {
        width: 64; height: auto; max-height: 80%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    ColumnsScreen SelectionList { height: auto; max-height: 20; }
    """
    BINDINGS = [
        Binding("escape,q", "cancel", "Cancel"),
        Binding("enter", "done", "Show", priority=True),
    ]

    def __init__(
        self, label: str, offered: list[tuple[str, int, int]], chosen: Sequence[str]
    ) -> None:
        super().__init__()
        self.label = label
        self.offered = offered
        self.chosen = list(chosen)

    def compose(self) -> ComposeResult:
        total = max((n for _, n, _ in self.offered), default=1)
        order = {name: i for i, name in enumerate(self.chosen)}
        ranked = sorted(self.offered, key=lambda o: order.get(o[0], len(order)))
        selections = [
            Selection(Text(f"{sanitize(name)}  ({n * 100 // total}%)"), name, name in order)
            for name, n, _ in ranked
        ]
        with Vertical():
            yield Static(
                f"Columns for {self.label} (space picks, enter shows, escape cancels)", markup=False
            )
            yield SelectionList[str](*selections, id="columns")

    def on_mount(self) -> None:
        self.query_one(SelectionList).focus()

    def action_done(self) -> None:
        picked = set(self.query_one(SelectionList).selected)
        # Keep the order of the list: the columns read left to right as offered.
        names = [name for name, _, _ in self.offered if name in picked]
        keep = [name for name in self.chosen if name in picked]
        self.dismiss(keep + [name for name in names if name not in keep])

    def action_cancel(self) -> None:
        self.dismiss(None)


class ColumnsController:
    """The ``C`` key: picks the current source's columns and redraws."""

    def __init__(self, app: Host) -> None:
        self.app = app
        self.columns = Columns(app.settings.field_map)
        self._offered: dict[str, int] = {}
        self._source = 0

    def choose(self) -> None:
        app = self.app
        number = app.pane.selected_number()
        source = app.store.record(number).source if number is not None else 0
        offered = sample_fields(app.scrollback, source)
        label = app.specs[source].label if source < len(app.specs) else f"#{source}"
        if not offered:
            app.notify(f"No fields in the recent records of {label}.", timeout=2, markup=False)
            return
        self._source = source
        self._offered = {name: width for name, _, width in offered}
        current = self.columns.by_source.get(source)
        chosen = current.fields if current is not None else ()
        app.push_screen(ColumnsScreen(label, offered, chosen), self._chosen)

    def _chosen(self, names: list[str] | None) -> None:
        if names is None:
            return
        old = self.columns.by_source.get(self._source)
        old_widths = dict(zip(old.fields, old.widths, strict=True)) if old is not None else {}
        widths = [
            old_widths.get(name) or min(MAX_WIDTH, max(1, self._offered.get(name, 1)))
            for name in names
        ]
        self.columns.choose(self._source, names, widths)
        self.app.pane.reset()
        label = self.app.specs[self._source].label
        shown = sanitize(", ".join(names)) if names else "none"
        self.app.notify(f"Columns for {label}: {shown}", timeout=2, markup=False)
