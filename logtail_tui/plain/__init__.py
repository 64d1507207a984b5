"""Plain mode: no TUI, one line a record on stdout (``--plain``, or stdout is not a terminal).

Format: structured records (JSON, logfmt, SSE/WebSocket events) print ``TIME LEVEL
message``, the time shown in one zone (local, or UTC with ``--utc``) and the level word
whenever one was found, so ``| grep ERROR`` sees it (``ERROR db down`` for a record without
time). Text lines are printed as they are, like ``tail``: their own time and level are
already in them. With several sources every line, structured or text, starts with
``[source]``, so the tag sits in the same place whatever the record's kind.
"""

from logtail_tui.plain.printer import PlainPrinter
from logtail_tui.plain.run import run_plain

__all__ = ["PlainPrinter", "run_plain"]
