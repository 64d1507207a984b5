"""What one full redraw of the pane costs with a huge line on screen (in process, headless).

Writes short lines around one huge line (10 MB by default), follows it through ``cmd:cat``
(the stream path: 64 KiB pieces) or as a file, then drops the pane's strip cache (as pausing,
resuming or filtering does) and times rendering every visible row, three times.

Run: python scripts/bench_redraw.py [--size 10000000] [--mode cmd|file]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.ui.app import LogtailApp


async def measure(source: str, lines: int) -> None:
    app = LogtailApp([registry.resolve(source)], Settings(lines=None), registry.create)
    async with app.run_test(size=(120, 40)) as pilot:
        deadline = time.monotonic() + 60
        while app.store.received < lines and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        await pilot.pause(0.5)
        pane = app.pane
        rows = pane.scrollable_content_region.height
        for _ in range(3):
            pane._cache.clear()
            t0 = time.perf_counter()
            for y in range(rows):
                pane.render_line(y)
            t1 = time.perf_counter()
            print(f"full redraw of {rows} rows after a cache clear: {(t1 - t0) * 1000:.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=10_000_000)
    parser.add_argument("--mode", choices=["cmd", "file"], default="cmd")
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="logtail-redraw-")) / "huge.log"
    with path.open("w") as f:
        for i in range(50):
            f.write(f"2026-12-01T02:00:{i % 60:02d}Z INFO before {i}\n")
        f.write("2026-12-01T02:01:00Z ERROR " + "x" * args.size + "\n")
        for i in range(5):
            f.write(f"2026-12-01T02:02:{i:02d}Z INFO after {i}\n")
    pieces = -(-args.size // 65_536) if args.mode == "cmd" else 1
    source = f"cmd:cat {path}" if args.mode == "cmd" else str(path)
    asyncio.run(measure(source, 55 + pieces))
    path.unlink()
    path.parent.rmdir()


if __name__ == "__main__":
    sys.exit(main())
