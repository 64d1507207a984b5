"""The styled text of one line of the pane, with every option the pane has on.

Long lines keep their start only (ui/long_lines.py), chosen fields become columns
(ui/columns.py), continuation lines of a record get their mark (ui/record_lines.py) and
search matches are highlighted. The pane caches the strip drawn from it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text

from logtail_tui.ui.long_lines import clip
from logtail_tui.ui.pane_style import component_style, line_text
from logtail_tui.ui.record_lines import mark_continued

if TYPE_CHECKING:
    from logtail_tui.ui.log_pane import LogPane


def styled_line(pane: LogPane, number: int) -> tuple[Text, int]:
    """The text of line ``number`` and how many characters were clipped off its end."""
    store = pane.view.store
    record, extra = clip(store.record(number))
    if pane.columns is not None:
        record = pane.columns(record)
    text = line_text(
        record,
        lambda name: component_style(pane.component_style, name),
        utc=pane.utc,
        times=pane.show_times,
        levels=pane.show_levels,
        labels=pane.source_labels,
    )
    text = mark_continued(text, store, number, pane.component_style)
    query = pane.query_
    if query is not None:
        offset = len(text) - len(record.text)
        match_style = pane.component_style("log-pane--match")
        for start, end in query.spans(record.text):
            text.stylize(match_style, start + offset, end + offset)
    return text, extra
