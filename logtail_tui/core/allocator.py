"""A heap that gives big buffers back (docs/architecture.md, "Scrollback": "Memory").

File blocks, bursts and filters read buffers of megabytes that live for milliseconds. glibc
serves such a request with ``mmap`` and returns it on ``free``, but its *dynamic* threshold
rises to the size of every mapped buffer freed, so from the first 4 MiB block on the next ones
come from the heap and the freed space between long-lived small objects stays with the
process (a 48 MiB burst left ~20 MiB of it). Setting the threshold explicitly turns that
adjustment off.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys

M_MMAP_THRESHOLD = -3
"""glibc's ``mallopt`` parameter number (malloc.h)."""
MMAP_THRESHOLD = 128 << 10
"""glibc's initial value: file windows (64 KiB) stay on the heap, blocks are mapped."""


def steady_heap() -> bool:
    """Fix glibc's mmap threshold; ``False`` where there is no glibc (nothing to do)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD))
