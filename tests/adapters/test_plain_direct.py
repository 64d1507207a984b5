"""Plain mode's direct read of one file (no event loop) prints, reports and exits exactly as
the hub's run of the file adapter does (docs/architecture.md, "Plain output")."""

from __future__ import annotations

import io
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from logtail_tui import cli
from logtail_tui.plain import run as plain_run
from logtail_tui.sources import registry

LEVELS = ("INFO", "DEBUG", "WARN", "ERROR", "TRACE", "CRITICAL")

FILES: dict[str, bytes] = {
    "text": b"".join(
        b"2026-01-01T00:00:%02d %s line %d status=%d\n"
        % (i % 60, LEVELS[i % 6].encode(), i, 503 if i % 7 == 0 else 200)
        for i in range(3000)
    ),
    "json": b"".join(
        json.dumps(
            {
                "time": f"2026-01-01T00:00:{i % 60:02d}Z",
                "level": LEVELS[i % 6].lower(),
                "msg": f"m {i}",
                "status": 500 if i % 5 == 0 else 200,
            }
        ).encode()
        + b"\n"
        for i in range(500)
    ),
    "no_final_newline": b"INFO a\nWARN b\nERROR c without newline",
    "crlf": b"".join(b"WARN crlf line %d\r\n" % i for i in range(100)) + b"ERROR last\r\n",
    "invalid_utf8": b"INFO ok\nWARN bad \xff\xfe bytes\nERROR \xc3 cut\nINFO \xe2\x82\xac euro\n",
    "escapes": b"INFO \x1b[31mred\x1b[0m\nWARN bell\x07 and \x1b]0;title\x07 osc\nERROR tab\there\n",
    "nul": b"INFO a\x00b\nWARN \x00\x00\nERROR c\n",
    "huge_line": b"INFO short\nWARN " + b"x" * 300_000 + b"\nERROR after\n",
    "empty": b"",
    "trace": b"".join(
        b"2026-01-01 10:00:%02d ERROR order %d failed\njava.lang.IllegalArgumentException: %d\n"
        b"\tat a.b(C.java:%d)\n2026-01-01 10:00:%02d INFO fine %d\n" % (i % 60, i, i, i, i % 60, i)
        for i in range(400)
    ),
    # Past the adapter's inline read: whole blocks become chunks, some with unclean bytes.
    "big": b"".join(
        b"WARN bad \xff utf %d\r\n" % i
        if i % 1000 == 0
        else b"%s big line %d secret123 padding padding padding\n" % (LEVELS[i % 6].encode(), i)
        for i in range(60_000)
    )
    + b"INFO tail without newline",
}

OPTIONS = [
    [],
    ["-l", "warn"],
    ["-i", r"line 1\d|order 1\d* failed"],
    ["-e", "ERROR"],
    ["--where", "status>=500"],
    ["--color", "always"],
    ["--utc"],
    ["--utc", "--color", "always", "-l", "error"],
    ["-n", "5"],
    ["-n", "0"],
    ["--token", "secret123"],
    ["--max-line-length", "100"],
]


def run(argv: list[str], direct: bool, monkeypatch: pytest.MonkeyPatch) -> tuple[int, bytes, str]:
    """``logtail --plain --no-follow ARGV`` in this process: stdout bytes, stderr, status."""
    invocation = cli.parse(["--plain", "--no-follow", *argv])
    assert invocation is not None
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="\n")
    err = io.StringIO()
    with monkeypatch.context() as m:
        m.setattr(sys, "stderr", err)
        if direct:
            m.setattr(plain_run, "_run_hub", _no_hub)
            factory = registry.create
        else:
            # Any other factory than the registry's runs the hub, as tests' sources need.
            def factory(spec, settings):  # type: ignore[no-untyped-def]
                return registry.create(spec, settings)

        code = plain_run.run_plain(invocation.specs, invocation.settings, factory, out=out)
    out.flush()
    return code, raw.getvalue(), err.getvalue()


def _no_hub(*args: object) -> None:
    raise AssertionError("the direct read fell back to the hub")


def same(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[int, bytes, str]:
    direct = run(argv, True, monkeypatch)
    assert direct == run(argv, False, monkeypatch)
    return direct


@pytest.mark.parametrize("name", sorted(FILES))
@pytest.mark.parametrize("lines", ["all", None])
def test_direct_read_matches_the_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, lines: str | None
) -> None:
    path = tmp_path / f"{name}.log"
    path.write_bytes(FILES[name])
    for options in OPTIONS:
        head = ["-n", lines] if lines else []
        _, out, err = same([*head, *options, str(path)], monkeypatch)
        if "--token" in options:  # whether the lines came in batches or in bulk chunks
            assert b"secret123" not in out and "secret123" not in err


def test_whole_file_and_secrets(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.log"
    path.write_bytes(FILES["text"])
    assert same(["-n", "all", str(path)], monkeypatch) == (0, FILES["text"], "")
    path.write_bytes(b"INFO token secret123 echoed\n")
    secret = ["-n", "all", "--token", "secret123", str(path)]
    assert same(secret, monkeypatch) == (0, b"INFO token *** echoed\n", "")


@pytest.mark.parametrize("target", ["missing.log", "."])
def test_errors_are_the_hubs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: str) -> None:
    code, out, err = same([str(tmp_path / target)], monkeypatch)
    assert code == 1 and out == b""
    assert err.startswith("logtail: ") and err.count("\n") == 1 and "Traceback" not in err


def test_permission_denied_is_one_sentence(tmp_path: Path) -> None:
    """Read directly or through the hub (two files), an unreadable file fails the same way.
    Root reads any file, so as root the capabilities that allow it are dropped first."""
    path = tmp_path / "secret.log"
    path.write_text("INFO x\n")
    path.chmod(0)
    other = tmp_path / "ok.log"
    other.write_text("INFO fine\n")
    drop = "-dac_override,-dac_read_search"
    jail = ["setpriv", f"--inh-caps={drop}", f"--bounding-set={drop}"] if os.geteuid() == 0 else []
    sentence = (
        f"Permission denied reading {path}; check its permissions or run as a user who can read it."
    )
    for paths in ([path], [path, other]):
        command = [
            *jail,
            sys.executable,
            "-m",
            "logtail_tui",
            "--plain",
            "--no-follow",
            *map(str, paths),
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=60)
        assert result.returncode == 1, result.stderr
        assert sentence in result.stderr and "Traceback" not in result.stderr
        assert result.stderr.count("\n") == 1
        assert result.stdout == ("" if len(paths) == 1 else f"[{other}] INFO fine\n")


def test_a_compressed_file_is_left_to_the_hub(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gzip

    path = tmp_path / "a.log.gz"
    path.write_bytes(gzip.compress(b"INFO packed\n"))
    ran = []
    hub = plain_run._run_hub
    monkeypatch.setattr(plain_run, "_run_hub", lambda *args: ran.append(1) or hub(*args))
    invocation = cli.parse(["--plain", "--no-follow", str(path)])
    assert invocation is not None
    raw = io.BytesIO()
    out = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")
    assert plain_run.run_plain(invocation.specs, invocation.settings, out=out) == 0
    out.flush()
    assert raw.getvalue() == b"INFO packed\n" and ran


LOGTAIL = [sys.executable, "-m", "logtail_tui", "--plain", "--no-follow", "-n", "all"]


def _started(tmp_path: Path) -> subprocess.Popen[bytes]:
    """``logtail`` printing a 12 MB file to a pipe, its first line read: it is running."""
    path = tmp_path / "big.log"
    path.write_bytes(b"".join(b"INFO line %08d padding padding\n" % i for i in range(400_000)))
    proc = subprocess.Popen([*LOGTAIL, str(path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"INFO line 00000000 padding padding\n"
    return proc


def test_a_reader_that_goes_away_stops_it_quietly(tmp_path: Path) -> None:
    with _started(tmp_path) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.stdout.close()  # `| head -1`
        assert proc.wait(timeout=30) == 0
        assert proc.stderr.read() == b""


def test_sigterm_ends_it_with_143(tmp_path: Path) -> None:
    with _started(tmp_path) as proc:
        assert proc.stdout is not None and proc.stderr is not None
        proc.send_signal(signal.SIGTERM)  # while blocked on the full pipe
        rest = proc.stdout.read()  # unblocks its write; it stops after that chunk
        assert proc.wait(timeout=30) == 143
        assert len(rest) < 12_000_000 and proc.stderr.read() == b""


def test_a_pipe_out_is_widened_to_take_a_block_at_once(tmp_path: Path) -> None:
    import fcntl

    path = tmp_path / "app.log"
    path.write_bytes(FILES["text"])
    read, write = os.pipe()
    with os.fdopen(read, "rb") as reader:
        assert fcntl.fcntl(read, fcntl.F_GETPIPE_SZ) < plain_run.PIPE_BYTES
        command = [sys.executable, "-m", "logtail_tui", "--plain", "--no-follow", "-n", "all"]
        proc = subprocess.Popen([*command, str(path)], stdout=write)
        os.close(write)
        out = reader.read()
        assert proc.wait(60) == 0
        assert fcntl.fcntl(read, fcntl.F_GETPIPE_SZ) == plain_run.PIPE_BYTES
    assert out == FILES["text"]
