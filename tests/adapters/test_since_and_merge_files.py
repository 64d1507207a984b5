"""--since / --until and --merge-by-time on real files, through the real command line."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from support import run_cli

from logtail_tui.core.time_range import parse_instant
from logtail_tui.sources import file_since
from logtail_tui.sources.file_since import history_span, offset_of

BASE = parse_instant("2026-12-01T10:00:00Z")


def stamp(seconds: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(BASE + seconds))


def short(output: str, folder: Path) -> list[str]:
    """Output lines with the folder taken out of the ``[source]`` tags."""
    return output.replace(f"[{folder}/", "[").splitlines()


@pytest.fixture
def two_logs(tmp_path: Path) -> tuple[Path, Path]:
    api, worker = tmp_path / "api.log", tmp_path / "worker.log"
    with api.open("w") as a, worker.open("w") as w:
        for s in range(0, 60):
            if s % 3 == 0:
                w.write(f"{stamp(s)} ERROR worker job {s} failed\n")
                w.write("Traceback (most recent call last):\n")
                w.write(f'  File "job.py", line {s}\n')
            else:
                a.write(f"{stamp(s)} INFO api request {s} status=200\n")
    return api, worker


def test_merged_history_is_in_time_order_with_traces_attached(two_logs: tuple[Path, Path]) -> None:
    api, worker = two_logs
    out = run_cli("--plain", "--no-follow", "--merge-by-time", str(api), str(worker))
    assert out.returncode == 0, out.stderr
    got = short(out.stdout, api.parent)
    assert len(got) == 40 + 20 * 3
    timed = [line.split("] ", 1)[1] for line in got if "] 2026" in line]
    assert timed == sorted(timed) and len(timed) == 60
    for i, line in enumerate(got):
        if "ERROR worker" in line:
            assert got[i + 1] == "[worker.log] Traceback (most recent call last):"
            assert got[i + 2].startswith('[worker.log]   File "job.py"')


def test_without_merge_sources_come_in_arrival_order(two_logs: tuple[Path, Path]) -> None:
    # The control: the same files unmerged are not in time order, so the test above can fail.
    api, worker = two_logs
    got = short(run_cli("--plain", "--no-follow", str(api), str(worker)).stdout, api.parent)
    timed = [line.split("] ", 1)[1] for line in got if "] 2026" in line]
    assert len(timed) == 60 and timed != sorted(timed)


def test_since_and_until_cut_history_keeping_continuations(two_logs: tuple[Path, Path]) -> None:
    api, worker = two_logs
    out = run_cli(
        "--plain",
        "--no-follow",
        "--merge-by-time",
        "--since",
        stamp(10),
        "--until",
        stamp(15),
        str(api),
        str(worker),
    )
    assert out.returncode == 0, out.stderr
    assert short(out.stdout, api.parent) == [
        f"[api.log] {stamp(10)} INFO api request 10 status=200",
        f"[api.log] {stamp(11)} INFO api request 11 status=200",
        f"[worker.log] {stamp(12)} ERROR worker job 12 failed",
        "[worker.log] Traceback (most recent call last):",
        '[worker.log]   File "job.py", line 12',
        f"[api.log] {stamp(13)} INFO api request 13 status=200",
        f"[api.log] {stamp(14)} INFO api request 14 status=200",
        f"[worker.log] {stamp(15)} ERROR worker job 15 failed",
        "[worker.log] Traceback (most recent call last):",
        '[worker.log]   File "job.py", line 15',
    ]


def test_since_after_the_end_shows_nothing_and_a_file_without_times_shows_all(
    tmp_path: Path,
) -> None:
    timed = tmp_path / "t.log"
    timed.write_text(f"{stamp(1)} one\n{stamp(2)} two\n")
    assert run_cli("--no-follow", "--since", stamp(50), str(timed)).stdout == ""
    bare = tmp_path / "bare.log"
    bare.write_text("no time\nat all\n")
    assert run_cli("--no-follow", "--since", "1h", str(bare)).stdout == "no time\nat all\n"


def test_a_bad_since_is_one_sentence_and_exit_2(tmp_path: Path) -> None:
    out = run_cli("--no-follow", "--since", "last tuesday", str(tmp_path / "x.log"))
    assert out.returncode == 2
    assert out.stderr.startswith("logtail: --since: ") and out.stderr.count("\n") == 1
    assert "Traceback" not in out.stderr


@pytest.fixture(scope="module")
def big_log(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """~25 MB, 300,000 lines a second apart, a stack trace every 1,000 lines."""
    path = tmp_path_factory.mktemp("big") / "big.log"
    with path.open("w") as f:
        for s in range(300_000):
            f.write(f"{stamp(s)} INFO request {s} served in 12 ms path=/api/v1/items/{s}\n")
            if s % 1000 == 999:
                f.write("java.lang.IllegalStateException: boom\n\tat Foo.bar(Foo.java:1)\n")
    return path


def test_binary_search_finds_the_line_reading_a_few_blocks(
    big_log: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    reads: list[int] = []
    real = os.pread

    def counting(fd: int, n: int, offset: int) -> bytes:
        reads.append(n)
        return real(fd, n, offset)

    monkeypatch.setattr(file_since.os, "pread", counting)
    data = big_log.read_bytes()
    size = len(data)
    with big_log.open("rb") as f:
        fd = f.fileno()
        for s in (0, 1, 999, 1000, 123_456, 299_999):
            at = offset_of(fd, size, BASE + s)
            assert data[at : at + 20].decode() == stamp(s)
        # Between two seconds: the next line; the trace after line 999 stays before it.
        at = offset_of(fd, size, BASE + 999.5)
        assert data[at : at + 20].decode() == stamp(1000)
        start, end = history_span(fd, size, BASE + 998, BASE + 999)
        assert data[start:end].decode().splitlines()[-2:] == [
            "java.lang.IllegalStateException: boom",
            "\tat Foo.bar(Foo.java:1)",
        ]
        assert offset_of(fd, size, BASE + 400_000) == size
    # Eight searches of a 25 MB file: a few hundred KiB read, not the file.
    assert sum(reads) < size // 20, sum(reads)


def test_since_and_until_read_json_and_logfmt_time_fields(tmp_path: Path) -> None:
    records = tmp_path / "records.log"
    with records.open("w") as f:
        for s in range(0, 3000):
            if s % 2:
                f.write(
                    f'{{"level":"info","msg":"json {s}","pad":"{"x" * 200}","ts":"{stamp(s)}"}}\n'
                )
            else:
                f.write(f'level=info msg="logfmt {s}" time={stamp(s)}\n')
    out = run_cli(
        "--plain",
        "--no-follow",
        "--utc",
        "--since",
        stamp(1500),
        "--until",
        stamp(1502),
        str(records),
    )
    assert out.returncode == 0, out.stderr
    # TIME LEVEL message [fields]: the JSON time field comes after 200 bytes of padding.
    messages = [line.split(None, 2)[2].split(" pad=")[0] for line in out.stdout.splitlines()]
    assert messages == [
        "logfmt 1500",
        "json 1501",
        "logfmt 1502",
    ]
