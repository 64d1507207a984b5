"""A compressed file in the TUI: its lines show and the status says it cannot grow."""

from __future__ import annotations

import gzip
from pathlib import Path

from support import until

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.ui.app import LogtailApp


async def test_gz_file_is_read_and_completes(tmp_path: Path) -> None:
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(b"".join(b"ERROR job %d failed\n" % i for i in range(50))))
    settings = Settings()
    app = LogtailApp([registry.resolve(str(path), settings)], settings)
    async with app.run_test(size=(160, 12)) as pilot:
        await until(lambda: app.store.received == 50)
        await until(lambda: "cannot grow" in app.status.plain_text())
        await pilot.pause()
        pane = app.pane
        shown = [pane.render_line(y).text for y in range(pane.scrollable_content_region.height)]
        assert any("ERROR job 49 failed" in line for line in shown)
