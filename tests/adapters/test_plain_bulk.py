"""Plain mode on whole files through the real CLI: the bulk path prints exactly what the
line-by-line path would, filters in C, and never lets raw control bytes out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LEVELS = ("INFO", "DEBUG", "WARN", "ERROR")


def run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "logtail_tui", "--plain", "--no-follow", *args],
        capture_output=True,
        timeout=60,
    )


def write(path: Path, n: int) -> list[str]:
    text = [f"2026-12-01T10:00:00.000Z {LEVELS[i % 4]} [w] job {i}" for i in range(n)]
    path.write_text("\n".join(text) + "\n")
    return text


def test_whole_file_prints_exactly_as_read(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    write(path, 200_000)
    done = run("-n", "all", str(path))
    assert done.returncode == 0 and done.stdout == path.read_bytes()


def test_level_filter_on_a_whole_file(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    text = write(path, 200_000)
    text[1000] += "\n\tat com.example.Foo(Foo.java:1)"  # a stack line under a DEBUG line
    text[1003] += "\n\tat com.example.Bar(Bar.java:2)"  # and under an ERROR line
    path.write_text("\n".join(text) + "\n")
    done = run("-n", "all", "-l", "warn", str(path))
    expected = [
        line for line in "\n".join(text).split("\n") if " WARN " in line or " ERROR " in line
    ]
    expected.insert(
        expected.index(text[1003].split("\n")[0]) + 1, "\tat com.example.Bar(Bar.java:2)"
    )
    shown = done.stdout.decode().splitlines()
    # The tab of the stack line is expanded by the sanitiser, as every shown line is.
    assert [s.replace("        ", "\t", 1) if s.startswith(" ") else s for s in shown] == expected
    assert done.returncode == 0


def test_include_exclude_and_n_lines_in_bulk(tmp_path: Path) -> None:
    path = tmp_path / "a.log"
    text = write(path, 300_000)
    done = run("-n", "100000", "-i", "job 2[0-9]{5}$", "-e", "DEBUG", str(path))
    expected = [
        t for t in text[-100_000:] if t.split("job ")[1].startswith("2") and "DEBUG" not in t
    ]
    expected = [t for t in expected if len(t.split("job ")[1]) == 6]
    assert done.stdout.decode().splitlines() == expected and expected


def test_hostile_bytes_in_a_big_file_are_made_inert(tmp_path: Path) -> None:
    path = tmp_path / "h.log"
    text = write(path, 50_000)
    raw = "\n".join(text).encode()
    raw = raw.replace(b"job 777\n", b"job 777 \x1b]0;owned\x07 \x9b31m \xff\x00 end\n", 1)
    path.write_bytes(raw + b"\n")
    done = run("-n", "all", str(path))
    out = done.stdout
    assert b"\x1b" not in out and b"\x07" not in out and b"\x00" not in out and b"\x9b" not in out
    line = next(x for x in out.decode().splitlines() if "job 777 " in x)
    assert line.endswith("end") and "\ufffd" in line


def test_structured_lines_in_a_big_file_keep_their_level_word(tmp_path: Path) -> None:
    path = tmp_path / "j.log"
    rows = [
        f'{{"time":"2026-12-01T10:00:{i % 60:02d}Z","level":"{("info", "error")[i % 2]}","msg":"m{i}"}}'
        for i in range(30_000)
    ]
    path.write_text("\n".join(rows) + "\n")
    done = run("-n", "all", "-l", "error", "--utc", str(path))
    shown = done.stdout.decode().splitlines()
    assert len(shown) == 15_000
    assert shown[0] == "2026-12-01T10:00:01Z ERROR m1"
