"""A file's history indexed from launch, while the TUI is still starting.

The TUI's file source starts once Textual is up, about 0.6 s after launch; indexing a big
file's history backwards (`sources/history.py`) only began then, and a search over the whole
file waited for it. The CLI calls `begin` as soon as it has drawn the first frame: the history
of the one file opened is then indexed by a thread of its own, on another core while Python
imports Textual. The file source `claim`s that history when it starts, if it is for the same
file (same inode, no shorter) with the same settings, and reads forwards from where it begins;
anything else is closed and the source indexes as it always did (docs/architecture.md,
"Files opened whole").

One hand-over slot per process: a CLI run opens one TUI.
"""

from __future__ import annotations

import os
import stat
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from logtail_tui.core import native
from logtail_tui.core.file_backing import FileBacking
from logtail_tui.core.settings import Settings
from logtail_tui.sources.contract import SourceSpec
from logtail_tui.sources.file_index import BULK_LINES, TAIL_LINES, Backlog, ChunkMaker, tail_offset
from logtail_tui.sources.file_reader import sniff
from logtail_tui.sources.history import History

WORTH_BYTES = 16 << 20
"""History smaller than this indexes in a few steps anyway: no thread for it."""
OFF_ENV = "LOGTAIL_EARLY_HISTORY"
"""Set to ``0`` to index history only once the TUI's source starts (as before)."""
SWITCH_INTERVAL = 0.0005
"""Seconds between hand-overs of the interpreter lock while the history is indexed."""


@dataclass
class Early:
    """History of ``path`` (absolute; inode ``dev``/``ino``, then ``size`` bytes) before
    ``tail``."""

    path: str
    dev: int
    ino: int
    size: int
    tail: int
    """Where the lines read forwards begin: the last `TAIL_LINES` lines of ``size`` bytes."""
    tail_read: int
    """Bytes read to find ``tail``."""
    settings: Settings
    history: History
    quick_done: Callable[[], None]
    """Ends the quick switches asked for the thread (`_quick_switches`)."""


_waiting: Early | None = None
_switching = threading.Lock()
_quick = 0
"""Threads running with quick switches (`_quick_switches`)."""
_usual = sys.getswitchinterval()


def begin(specs: Sequence[SourceSpec], settings: Settings) -> None:
    """Start indexing the history of the one file in ``specs``, when the TUI's source would
    index it backwards in bulk (``-n all`` or more than `BULK_LINES`, nothing that reads it
    otherwise)."""
    global _waiting
    abandon()
    if len(specs) != 1 or specs[0].scheme != "file" or os.environ.get(OFF_ENV) == "0":
        return
    spec = specs[0]
    s = spec.settings or settings
    if s.plain or s.merge_by_time or s.since is not None or s.until is not None:
        return
    if s.lines is not None and s.lines <= BULK_LINES:
        return
    if not native.ENABLED:
        return  # Python's indexing holds the GIL: it would slow the start it hides behind
    path = os.path.abspath(os.path.expanduser(spec.target))  # as the file source has it
    try:
        _waiting = _start(path, s)
    except (OSError, RuntimeError):
        # Unreadable (the source will say why) or no thread to spare: it indexes as ever.
        _waiting = None


def _start(path: str, s: Settings) -> Early | None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_size < WORTH_BYTES or sniff(fd) is not None:
            return None
        tail, read = tail_offset(fd, st.st_size, TAIL_LINES)
        wanted = None if s.lines is None else s.lines - TAIL_LINES
        history = History(Backlog(FileBacking(fd), 0, tail, wanted, tail), ChunkMaker(s))
    finally:
        os.close(fd)  # the backing has its own descriptor
    quick_done = _quick_switches()
    try:
        history.run_ahead(quick_done)
    except RuntimeError:  # no thread could start
        quick_done()
        raise
    return Early(path, st.st_dev, st.st_ino, st.st_size, tail, read, s, history, quick_done)


def _quick_switches() -> Callable[[], None]:
    """Hand the interpreter lock over every `SWITCH_INTERVAL` until the returned function is
    called (by each thread that asked, however many overlap; calling it again does nothing).

    The thread waits for the lock at each return from C (a read, an index); Python hands it
    over every 5 ms by default, which made 200 MiB take 0.6 s instead of 0.2 s beside the
    imports.
    """
    global _quick, _usual
    with _switching:
        if _quick == 0:
            _usual = sys.getswitchinterval()
            sys.setswitchinterval(SWITCH_INTERVAL)
        _quick += 1

    ended = False

    def done() -> None:  # once, however often called
        global _quick
        nonlocal ended
        with _switching:
            if ended:
                return
            ended = True
            _quick -= 1
            if _quick == 0:
                sys.setswitchinterval(_usual)

    return done


def claim(path: str, fd: int, settings: Settings) -> Early | None:
    """The history begun for ``path``, if the open file ``fd`` is the file it indexes (same
    inode, not shorter) and ``settings`` are the ones it was begun with; else ``None``."""
    global _waiting
    early, _waiting = _waiting, None
    if early is None:
        return None
    early.quick_done()  # the app is up: the loop's turns matter more than the thread's now
    st = os.fstat(fd)
    same = (early.path, early.dev, early.ino) == (path, st.st_dev, st.st_ino)
    if same and st.st_size >= early.size and early.settings == settings:
        return early
    early.history.close()
    return None


def abandon() -> None:
    """Stop a history nobody claimed (the TUI did not start, or started something else)."""
    global _waiting
    if _waiting is not None:
        _waiting.history.close()
        _waiting = None
