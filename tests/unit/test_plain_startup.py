"""Plain mode on a file loads only what it uses: each module or regex it skips is start-up
time that ``logtail --plain -n all -l warn FILE | ...`` would otherwise pay on every run."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

PROBE = """\
import json, sys
from logtail_tui.cli import main
try:
    main(sys.argv[1:])
except SystemExit as exit:
    from logtail_tui.core import times
    sys.stderr.write(json.dumps({
        "code": exit.code,
        "modules": sorted(m for m in sys.modules if m.startswith(("logtail_tui", "textual"))),
        "time_regex": times._pattern.cache_info().currsize,
        "asyncio": "asyncio" in sys.modules,
    }))
"""

UNUSED = (
    "logtail_tui.core.record_gate",  # only with --include, --exclude or --where
    "logtail_tui.core.store",  # the TUI's line store
    "logtail_tui.core.time_column",
    "logtail_tui.sources.history",  # the TUI's backwards indexing, and its worker pool
    "logtail_tui.sources.index_pool",
    "logtail_tui.ui",
    "textual",
)


def plain_run(log: Path, *args: str) -> tuple[str, dict]:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, "--plain", "--no-follow", "-n", "all", *args, str(log)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout, json.loads(done.stderr)


def test_plain_mode_on_a_file_skips_what_it_does_not_use(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("2026-01-01 10:00:00 INFO up\n2026-01-01 10:00:01 WARN slow\n")
    out, probe = plain_run(log, "-l", "warn")
    assert out == "2026-01-01 10:00:01 WARN slow\n"
    assert probe["code"] == 0
    assert "logtail_tui.plain" in probe["modules"]  # the probe saw the run
    assert not set(UNUSED) & set(probe["modules"]), set(UNUSED) & set(probe["modules"])
    assert probe["time_regex"] == 0  # text lines printed as read: no time is parsed
    assert not probe["asyncio"]  # one file read once: no event loop (30-40 ms of each start)


def test_a_whole_record_filter_still_loads_its_gate(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("ERROR boom\n  at f()\nINFO fine\n")
    out, probe = plain_run(log, "-i", "boom")
    assert out == "ERROR boom\n  at f()\n"
    assert "logtail_tui.core.record_gate" in probe["modules"]
    assert not probe["asyncio"]


def test_following_or_several_files_still_run_the_hub(tmp_path: Path) -> None:
    log = tmp_path / "app.log"
    log.write_text("INFO up\n")
    out, probe = plain_run(log, str(log))
    assert out == f"[{log}] INFO up\n" * 2
    assert probe["asyncio"] and "logtail_tui.sources.hub" in probe["modules"]
