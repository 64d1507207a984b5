"""Numbered rotation recovery for the file adapter (``app.log`` -> ``app.log.1`` -> ``app.log.2``).

When a writer rotates several times between two wake-ups, the generations in between are
found by their numbers and read in order, so nothing is skipped. Following only: the
adapter imports this module, plain mode's direct run never does.
"""

from __future__ import annotations

import asyncio
import os

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.sources.file_index import Handle

RECOVER_ATTEMPTS = 5
"""Listings tried when looking for generations rotated away between two wake-ups."""


def numbered_between(
    path: str, old: tuple[int, int], new: tuple[int, int]
) -> list[tuple[int, int, str]] | None:
    """``(dev, ino, path)`` of ``base.K-1`` .. ``base.1`` where ``old`` (dev, inode) is
    ``base.K`` and ``new`` is ``base`` itself or a lower number (rotation recovery)."""
    directory, base = os.path.split(path)
    prefix = base + "."
    numbered: dict[int, tuple[int, int, str]] = {}
    try:
        with os.scandir(directory) as entries:
            for entry in entries:
                suffix = entry.name[len(prefix) :]
                if entry.name.startswith(prefix) and suffix.isdigit():
                    st = entry.stat()
                    numbered[int(suffix)] = (st.st_dev, st.st_ino, entry.path)
    except OSError:
        return None
    index = {(dev, ino): k for k, (dev, ino, _) in numbered.items()}
    k_old = index.get(old)
    if k_old is None:
        return None
    k_new = index.get(new, 0)
    plan = []
    for k in range(k_old - 1, k_new, -1):
        if k not in numbered:
            return None  # a gap: a rename is under way
        plan.append(numbered[k])
    return plan


async def open_between(path: str, old: Handle, new: Handle, max_line_length: int) -> list[Handle]:
    """Open the numbered files newer than ``old`` and older than ``new``, oldest first.

    A writer may be renaming while we look (a directory listing is not a snapshot),
    so a plan is trusted only when two listings agree and every file opened is the
    one listed; otherwise look again shortly.
    """
    for attempt in range(RECOVER_ATTEMPTS):
        if attempt:
            await asyncio.sleep(0.002 * attempt)
        plan = numbered_between(path, (old.dev, old.ino), (new.dev, new.ino))
        if plan is None:
            if os.fstat(old.fd).st_nlink == 0:
                return []  # deleted, not rotated: nothing numbered to find
            continue  # not found (yet): mid-rename, or not numbered rotation
        handles: list[Handle] = []
        try:
            for dev, ino, numbered in plan:
                fd = os.open(numbered, os.O_RDONLY | os.O_CLOEXEC)
                handles.append(Handle(fd, dev, ino, LineDecoder(max_line_length)))
                st = os.fstat(fd)
                if (st.st_dev, st.st_ino) != (dev, ino):
                    raise FileNotFoundError(numbered)
        except OSError:
            ok = False
        else:
            ok = numbered_between(path, (old.dev, old.ino), (new.dev, new.ino)) == plan
        if ok:
            return handles
        for h in handles:
            h.close()
    return []
