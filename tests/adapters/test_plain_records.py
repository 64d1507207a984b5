"""Plain mode keeps or drops whole records, through the real command line: on a whole file
(the bulk path and the line path) and while following (a held record is printed after an
idle moment, with no later line to end it)."""

from __future__ import annotations

import subprocess
import threading
from pathlib import Path

import pytest
from record_logs import JAVA, java_service
from support import LOGTAIL, run_cli, until_blocking

from logtail_tui.core.sanitize import sanitize


def shown(lines: list[str]) -> list[str]:
    return [sanitize(line) for line in lines]


def test_include_on_a_java_log_shows_the_whole_failing_record(tmp_path: Path) -> None:
    path = tmp_path / "java.log"
    path.write_text("\n".join(JAVA) + "\n")
    done = run_cli("--plain", "--no-follow", "-i", r"order 8\b", str(path))
    assert done.returncode == 0
    assert done.stdout.splitlines() == shown(JAVA[1:7])


def test_a_match_in_a_stack_line_keeps_the_header_too(tmp_path: Path) -> None:
    path = tmp_path / "java.log"
    path.write_text("\n".join(JAVA) + "\n")
    done = run_cli("--plain", "--no-follow", "-i", "IllegalArgument", str(path))
    assert done.stdout.splitlines() == shown(JAVA[9:12])


def test_exclude_drops_a_whole_record(tmp_path: Path) -> None:
    path = tmp_path / "java.log"
    path.write_text("\n".join(JAVA) + "\n")
    done = run_cli("--plain", "--no-follow", "-e", "NullPointer", str(path))
    assert done.stdout.splitlines() == shown(JAVA[:1] + JAVA[7:])


@pytest.mark.parametrize("lines", ["all", "50000"])
def test_whole_records_on_a_big_file_read_in_blocks(tmp_path: Path, lines: str) -> None:
    text = java_service(60_000)  # ~78k lines, several blocks: records cross block edges
    path = tmp_path / "big.log"
    path.write_text("\n".join(text) + "\n")
    done = run_cli("--plain", "--no-follow", "-n", lines, "-i", r"order 5\d*8 failed", str(path))
    window = text if lines == "all" else text[-50_000:]
    expected = []
    for k, line in enumerate(window):
        if " failed" in line and " order 5" in line:
            expected += window[k : k + 4]
    out = done.stdout.splitlines()
    assert expected and out == shown(expected)
    assert len(out) % 4 == 0  # header and three stack lines each


def test_without_a_filter_the_file_is_printed_as_it_is(tmp_path: Path) -> None:
    path = tmp_path / "big.log"
    text = [line.replace("\t", "    ") for line in java_service(30_000)]  # tabs are expanded
    path.write_bytes(("\n".join(text) + "\n").encode())
    done = subprocess.run(
        [*LOGTAIL, "--plain", "--no-follow", "-n", "all", str(path)], capture_output=True
    )
    assert done.stdout == path.read_bytes()


def test_following_prints_a_held_record_after_an_idle_moment(tmp_path: Path) -> None:
    path = tmp_path / "live.log"
    path.write_text("")
    proc = subprocess.Popen(
        [*LOGTAIL, "--plain", "-e", "secret", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    got: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            got.append(line)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        with path.open("a") as f:
            f.write("2026-12-01 ERROR [main] order 1 failed\n\tat com.shop.A(A.java:1)\n")
            f.write("2026-12-01 ERROR [main] order 2 failed\n\tat com.shop.secret(S.java:2)\n")
            f.write("2026-12-01 ERROR [main] order 3 failed\n\tat com.shop.C(C.java:3)\n")
            f.flush()
            # Nothing follows order 3: it is printed once the source stays quiet a moment.
            until_blocking(lambda: len(got) >= 4, timeout=20, describe=lambda: got)
            f.write("\tat com.shop.Main(Main.java:9)\n")  # more of a record already printed
            f.flush()
            until_blocking(lambda: len(got) >= 5, timeout=20, describe=lambda: got)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        reader.join(timeout=10)
    assert [line.rstrip("\n") for line in got] == shown(
        [
            "2026-12-01 ERROR [main] order 1 failed",
            "\tat com.shop.A(A.java:1)",
            "2026-12-01 ERROR [main] order 3 failed",
            "\tat com.shop.C(C.java:3)",
            "\tat com.shop.Main(Main.java:9)",
        ]
    )


def test_a_trace_appended_after_a_big_block_joins_the_record_the_block_ended(
    tmp_path: Path,
) -> None:
    path = tmp_path / "live.log"
    path.write_text("service starting\n")  # no level: a stale record state would not join
    proc = subprocess.Popen(
        [*LOGTAIL, "--plain", "-i", "order 8 failed|starting", str(path)],
        stdout=subprocess.PIPE,
        text=True,
    )
    got: list[str] = []

    def read() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            got.append(line.rstrip("\n"))

    reader = threading.Thread(target=read)
    reader.start()
    block = [line.replace("\t", "    ") for line in java_service(40_000)]  # > 1 MiB: in bulk
    block.append("2026-12-01 ERROR [main] OrderService - order 8 failed")
    try:
        until_blocking(lambda: got, timeout=30)  # following now: what comes next is appended
        with path.open("a") as f:
            f.write("\n".join(block) + "\n")
            f.flush()
            until_blocking(lambda: len(got) >= 6, timeout=30, describe=lambda: got)
            f.write("java.lang.IllegalStateException: late\n    at com.shop.Late(L.java:1)\n")
            f.flush()
            until_blocking(lambda: len(got) >= 8, timeout=30, describe=lambda: got)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        reader.join(timeout=10)
    assert got[-3:] == [
        "2026-12-01 ERROR [main] OrderService - order 8 failed",
        "java.lang.IllegalStateException: late",
        "    at com.shop.Late(L.java:1)",
    ]
