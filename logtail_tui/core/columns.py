"""Per-line columns of stream chunks: extended as batches arrive, joined when sealed."""

from __future__ import annotations

from logtail_tui.core.record import Batch


def extend_starts(
    column: bytearray | None, batch: Batch, rows: slice, n_old: int, n_new: int, joins: bool
) -> bytearray | None:
    """Extend a record-start column (``None``: every line starts a record) with ``rows``.

    ``joins`` says whether the first new row may continue the record of the line before
    (same source, nothing in between); if not, it starts a record whatever the batch says.
    """
    values = batch.starts
    if values is None and column is None:
        return None
    if column is None:
        column = bytearray(b"\x01") * n_old
    column.extend(values[rows] if values is not None else b"\x01" * n_new)
    if not joins and n_new:
        column[n_old] = 1
    return column


def extend_column(
    column: list[str | None] | None,
    values: list[str | None] | None,
    rows: slice,
    n_old: int,
    n_new: int,
) -> list[str | None] | None:
    if values is None:
        if column is not None:
            column.extend([None] * n_new)
        return column
    if column is None:
        column = [None] * n_old
    column.extend(values[rows])
    return column


def join_texts(texts: list[str]) -> str:
    joined = "\n".join(texts)
    if joined.count("\n") != max(0, len(texts) - 1):  # a text held "\n" itself: make it visible
        joined = "\n".join(t.replace("\n", "^J") for t in texts)
    return joined


def join_optional(column: list[str | None] | None) -> str | None:
    if column is None:
        return None
    return join_texts([v or "" for v in column])
