"""Compressed files through the real file source and the real CLI (files written here)."""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
import subprocess
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from support import run_cli

from logtail_tui.core.errors import SourceError
from logtail_tui.core.settings import Settings
from logtail_tui.sources.compressed import CANNOT_GROW
from logtail_tui.sources.contract import SourceSpec, State, StateChanged
from logtail_tui.sources.file import FileSource

TEXT = "".join(f"2026-12-01T02:35:{i % 60:02d}Z {'ERROR' if i % 7 == 0 else 'INFO'} job {i}\n"
               for i in range(20_000))  # fmt: skip


def _zstd(data: bytes) -> bytes:
    import zstandard

    return zstandard.ZstdCompressor().compress(data)


COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
    "zst": _zstd,
}


def logtail(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    if code is None:
        return run_cli(*args)
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True)


async def collect(path: Path, **settings: Any) -> tuple[list[str], list[StateChanged]]:
    """Every line and state the file source yields, to its end (it must end by itself)."""
    spec = SourceSpec(str(path), "file", str(path), str(path))
    lines: list[str] = []
    states: list[StateChanged] = []
    async with FileSource(spec, Settings(**settings)) as source:
        async for event in source.events():
            if isinstance(event, StateChanged):
                states.append(event)
                if event.state.final:
                    break
            else:
                lines.extend(event.texts)
    return lines, states


@pytest.fixture(params=sorted(COMPRESSORS))
def packed(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    path = tmp_path / f"app.log.{request.param}"
    path.write_bytes(COMPRESSORS[request.param](TEXT.encode()))
    return path


async def test_every_format_reads_whole_and_last_lines(packed: Path) -> None:
    lines, states = await collect(packed, lines=None, follow=False)
    assert lines == TEXT.splitlines()
    assert states == []  # no follow: the stream simply ends
    lines, _ = await collect(packed, lines=3, follow=False)
    assert lines == TEXT.splitlines()[-3:]
    lines, _ = await collect(packed, lines=0, follow=False)
    assert lines == []


async def test_following_a_compressed_file_completes_saying_it_cannot_grow(packed: Path) -> None:
    lines, states = await collect(packed, lines=5, follow=True)
    assert lines == TEXT.splitlines()[-5:]
    assert [(s.state, s.detail) for s in states] == [(State.COMPLETED, CANNOT_GROW)]


async def test_kind_is_told_by_magic_bytes_not_the_name(tmp_path: Path) -> None:
    hidden = tmp_path / "app.log"  # gzip data without a suffix
    hidden.write_bytes(gzip.compress(b"one\ntwo\n"))
    assert (await collect(hidden, lines=None, follow=False))[0] == ["one", "two"]
    fake = tmp_path / "notes.gz"  # a suffix on plain text
    fake.write_text("plain\ntext\n")
    assert (await collect(fake, lines=None, follow=False))[0] == ["plain", "text"]


async def test_concatenated_gzip_members_and_a_last_line_without_newline(tmp_path: Path) -> None:
    path = tmp_path / "rotated.gz"
    path.write_bytes(gzip.compress(b"a\nb\n") + gzip.compress(b"c\nd"))
    assert (await collect(path, lines=None, follow=False))[0] == ["a", "b", "c", "d"]
    assert (await collect(path, lines=2, follow=False))[0] == ["c", "d"]


async def test_last_lines_of_a_big_archive_use_bounded_memory(tmp_path: Path) -> None:
    line = "x" * 99 + "\n"
    path = tmp_path / "big.log.gz"
    with gzip.open(path, "wb", compresslevel=1) as out:
        for _ in range(64):
            out.write((line * 5_000).encode())  # 32 MB of text in all
    tracemalloc.start()
    try:
        lines, _ = await collect(path, lines=10, follow=False)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == [line[:-1]] * 10
    assert peak < 12 << 20, f"peak {peak / 2**20:.1f} MiB for a 32 MB archive"


async def test_damaged_archive_is_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "cut.log.xz"
    path.write_bytes(lzma.compress(TEXT.encode())[:-200])
    with pytest.raises(SourceError) as info:
        await collect(path, lines=None, follow=False)
    message = str(info.value)
    assert message.startswith(f"{path} is a damaged xz file (")
    assert message.endswith("check that it was copied completely.") and "\n" not in message


def test_cli_reads_gz_with_n_all_and_n(tmp_path: Path) -> None:
    path = tmp_path / "app.log.gz"
    path.write_bytes(gzip.compress(TEXT.encode()))
    result = logtail("--plain", "--no-follow", "-n", "all", str(path))
    assert result.returncode == 0, result.stderr
    assert result.stdout == TEXT
    result = logtail("--plain", "-n", "2", str(path))  # following: ends by itself, exit 0
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == TEXT.splitlines()[-2:]
    errors = logtail("--plain", "--no-follow", "-n", "all", "-l", "error", str(path))
    assert errors.stdout.splitlines() == [s for s in TEXT.splitlines() if " ERROR " in s]


def test_cli_corrupt_archive_exits_1_with_one_sentence(tmp_path: Path) -> None:
    path = tmp_path / "bad.log.bz2"
    path.write_bytes(b"BZh9" + os.urandom(2000))
    result = logtail("--plain", "--no-follow", str(path))
    assert result.returncode == 1
    err = result.stderr.strip()
    assert err.startswith("logtail: ") and "damaged bzip2 file" in err
    assert len(err.splitlines()) == 1 and "Traceback" not in err


def test_zstd_without_the_package_says_what_to_install(tmp_path: Path) -> None:
    path = tmp_path / "app.log.zst"
    path.write_bytes(_zstd(b"hello\n"))
    # The CLI with the zstandard module made unimportable, as on a machine without it.
    code = (
        "import sys; sys.modules['zstandard'] = None; "
        "from logtail_tui.cli import main; sys.argv[0] = 'logtail'; main()"
    )
    result = logtail("--plain", "--no-follow", str(path), code=code)
    assert result.returncode == 1
    assert "zstandard package is not installed" in result.stderr
    assert "install logtail-tui[zstd]" in result.stderr and "Traceback" not in result.stderr
    assert logtail("--plain", "--no-follow", str(path)).stdout == "hello\n"  # with it: reads
