"""The time options (``--since``, ``--until``, ``--merge-by-time``, ``--reorder-window``),
declared like those of `option_values` (docs/architecture.md, "Since and until")."""

from __future__ import annotations

from typing import Annotated

import typer

from logtail_tui.core.errors import UsageError
from logtail_tui.core.time_range import parse_instant

HISTORY = "History and time"


def parse_window(value: str | float) -> float:
    try:
        seconds = float(str(value).removesuffix("ms")) / (1000 if str(value).endswith("ms") else 1)
    except ValueError:
        raise UsageError(
            f"--reorder-window takes seconds (0.2) or milliseconds (200ms), not {value!r}."
        ) from None
    if not 0 <= seconds <= 60:
        raise UsageError("--reorder-window must be between 0 and 60 seconds.")
    return seconds


def time_range(
    since: str | None, until: str | None, utc: bool
) -> tuple[float | None, float | None]:
    """The epochs of ``--since`` and ``--until``; a `UsageError` sentence when unreadable."""
    start, end = _instant("--since", since, utc), _instant("--until", until, utc)
    if start is not None and end is not None and start > end:
        raise UsageError("--since is later than --until; swap them or widen the range.")
    return start, end


def _instant(option: str, text: str | None, utc: bool) -> float | None:
    if text is None:
        return None
    try:
        return parse_instant(text, utc)
    except ValueError as exc:
        raise UsageError(f"{option}: {exc}.") from None


SinceOpt = Annotated[
    str | None,
    typer.Option(
        "--since",
        metavar="WHEN",
        help="Start history at this time: a duration back from now (10m, 2h, 1d) or a time "
        "(2026-12-01T10:00, 10:00 for today).",
        rich_help_panel=HISTORY,
    ),
]
UntilOpt = Annotated[
    str | None,
    typer.Option(
        "--until",
        metavar="WHEN",
        help="Stop history at this time (same forms as --since).",
        rich_help_panel=HISTORY,
    ),
]
MergeOpt = Annotated[
    bool,
    typer.Option(
        "--merge-by-time",
        help="Order records of several sources by their times (M toggles it).",
        rich_help_panel=HISTORY,
    ),
]
WindowOpt = Annotated[
    float,
    typer.Option(
        "--reorder-window",
        parser=parse_window,
        metavar="SECONDS",
        help="How long a record may wait for earlier ones of other sources when merging.",
        rich_help_panel=HISTORY,
    ),
]
