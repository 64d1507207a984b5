"""Live lines of real files appended while logtail runs with --merge-by-time (a subprocess)."""

from __future__ import annotations

import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import LOGTAIL, until_blocking


class Follower:
    """``logtail --plain --merge-by-time ...`` with its output lines collected by a thread."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen(
            [*LOGTAIL, "--plain", "--color", "never", "--merge-by-time", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, count: int) -> None:
        until_blocking(
            lambda: len(self.lines) >= count,
            timeout=30,
            abort=lambda: self.proc.poll() is not None,
            describe=lambda: self.lines,
        )

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        self._reader.join(timeout=5)


@pytest.fixture
def follower() -> Iterator[list[Follower]]:
    started: list[Follower] = []
    yield started
    for f in started:
        f.stop()


def append(path: Path, *lines: str) -> None:
    with path.open("a") as f:
        f.write("".join(line + "\n" for line in lines))


def test_lines_arriving_within_the_window_come_out_in_time_order(
    tmp_path: Path, follower: list[Follower]
) -> None:
    a, b = tmp_path / "a.log", tmp_path / "b.log"
    a.write_text("")
    b.write_text("")
    # A long window, so the two appends below always fall within it on a busy machine.
    f = Follower("--reorder-window", "5", str(a), str(b))
    follower.append(f)
    append(a, "2026-12-01T10:00:02Z INFO a later", "  a's continuation")
    append(b, "2026-12-01T10:00:01Z INFO b earlier")
    f.wait_for(3)
    assert [line.split("] ", 1)[1] for line in f.lines] == [
        "2026-12-01T10:00:01Z INFO b earlier",
        "2026-12-01T10:00:02Z INFO a later",
        "  a's continuation",
    ]


def test_a_source_far_behind_or_silent_does_not_stall_the_others(
    tmp_path: Path, follower: list[Follower]
) -> None:
    a, b, c = tmp_path / "a.log", tmp_path / "b.log", tmp_path / "c.log"
    for p in (a, b, c):
        p.write_text("")
    f = Follower("--reorder-window", "0.3", str(a), str(b), str(c))  # c never writes
    follower.append(f)
    append(a, "2026-12-01T10:00:00Z INFO a on time")
    f.wait_for(1)  # released by its deadline although b and c said nothing
    append(b, "2020-01-01T00:00:00Z INFO b years behind")
    f.wait_for(2)
    append(a, "2026-12-01T10:00:01Z INFO a still flowing")
    f.wait_for(3)
    assert [line.split("] ", 1)[1].split(" INFO ")[1] for line in f.lines] == [
        "a on time",
        "b years behind",
        "a still flowing",
    ]
