"""One malloc arena for the whole process (docs/architecture.md, "Scrollback": "Memory").

File blocks and bursts are read into buffers of megabytes by worker threads
(``asyncio.to_thread``), and glibc gives each thread its own arena. Memory freed in an arena
goes back to the system only from the top of its heap, so every arena keeps the holes its
blocks left between small long-lived objects: following a 48 MiB burst peaked at 68-76 MiB
with an arena a thread, 63-66 MiB with one. The threads allocate with the GIL held, so one
arena costs no waiting. (Fixing glibc's mmap threshold instead gave 60 MiB but mapped every
large buffer afresh: plain mode spent +0.3 s of system time a million lines.)
"""

from __future__ import annotations

import sys

from logtail_tui.core import native

M_ARENA_MAX = -8
"""glibc's ``mallopt`` parameter number (malloc.h)."""


def one_arena() -> bool:
    """Limit glibc to one arena; ``False`` where there is no glibc (nothing to do).

    Call it before any thread allocates: an arena made earlier stays.
    """
    if not sys.platform.startswith("linux"):
        return False
    done = native.one_arena()  # the C helper calls mallopt itself: no ctypes to load
    if done is not None:
        return done
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_ARENA_MAX, 1))
