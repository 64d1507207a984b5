"""Plain mode and the command line, end to end through a real subprocess."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from support import run_cli

run = run_cli


@pytest.fixture
def app_log(tmp_path: Path) -> Path:
    path = tmp_path / "app.log"
    levels = ["INFO", "DEBUG", "WARN", "ERROR", "INFO"]
    path.write_text(
        "".join(f"2026-01-01T00:00:{i % 60:02d} {levels[i % 5]} line {i}\n" for i in range(5000))
    )
    return path


def test_no_follow_all_prints_every_line_once_in_order(app_log: Path) -> None:
    result = run("--plain", "--no-follow", "-n", "all", str(app_log))
    assert result.returncode == 0, result.stderr
    assert result.stdout == app_log.read_text()


def test_default_history_is_last_1000_lines(app_log: Path) -> None:
    result = run("--no-follow", str(app_log))  # stdout is a pipe: plain mode by itself
    out = result.stdout.splitlines()
    assert len(out) == 1000
    assert out[0].endswith("line 4000") and out[-1].endswith("line 4999")


def test_lines_option(app_log: Path) -> None:
    out = run("--no-follow", "-n", "3", str(app_log)).stdout.splitlines()
    assert [line.rsplit(" ", 1)[1] for line in out] == ["4997", "4998", "4999"]


def test_level_include_exclude_filters(app_log: Path) -> None:
    out = run("--no-follow", "-n", "all", "-l", "warn", str(app_log)).stdout.splitlines()
    assert len(out) == 2000 and all(" WARN " in s or " ERROR " in s for s in out)
    out = run(
        "--no-follow", "-n", "all", "-i", r"line 12\d\d$", "-e", "ERROR", str(app_log)
    ).stdout.splitlines()
    assert len(out) == 80 and not any("ERROR" in s for s in out)
    assert all(s.split()[-1].startswith("12") for s in out)


def test_json_records_print_time_level_message(tmp_path: Path) -> None:
    path = tmp_path / "j.log"
    path.write_text(
        json.dumps({"time": "2026-01-01T00:00:00Z", "level": "error", "msg": "boom"}) + "\n"
    )
    out = run("--no-follow", "--utc", str(path)).stdout
    assert out.startswith("2026-01-01T00:00:00Z ERROR") and "boom" in out


def test_several_sources_are_labelled(app_log: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.log"
    other.write_text("hello from other\n")
    out = run("--no-follow", "-n", "2", str(app_log), str(other)).stdout.splitlines()
    assert f"[{other}] hello from other" in out
    assert sum(s.startswith(f"[{app_log}] ") for s in out) == 2


def test_missing_file_is_one_sentence_and_exit_1(tmp_path: Path) -> None:
    result = run("--no-follow", str(tmp_path / "nope.log"))
    assert result.returncode == 1
    assert result.stdout == ""
    assert "nope.log" in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = run("--no-follow", str(tmp_path))
    assert (
        result.returncode == 1 and "directory" in result.stderr and "Traceback" not in result.stderr
    )


def test_usage_errors_exit_2_without_traceback() -> None:
    for args in (
        ["--bogus"],
        [],
        ["-n", "lots", "x"],
        ["-l", "loud", "x"],
        ["-i", "(", "x"],
        ["zzz://host"],
        ["cmd:"],
        ["cmd:   "],
        ["--format", "yaml", "x"],
        ["--color", "pink", "x"],
        ["--field", "colour=c", "x"],
        ["-H", "no-colon", "x"],
        ["--max-lines", "0", "x"],
    ):
        result = run(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("logtail: ") and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_help_names_values_not_python_types() -> None:
    result = run("--help", env={"COLUMNS": "100"})
    assert result.returncode == 0
    usage = result.stdout.splitlines()[0]
    assert usage == "Usage: logtail [OPTIONS] [SOURCE...]", usage
    assert "<" not in result.stdout and "list[" not in result.stdout, result.stdout
    for metavar in ("--lines N|all", "--include REGEX", "--header 'NAME: VALUE'", "--level LEVEL"):
        assert metavar in result.stdout
    assert "SOURCE is a PATH" in result.stdout


def test_stdin_is_followed_to_the_end() -> None:
    data = "".join(f"from pipe {i}\n" for i in range(3000))
    result = run("--plain", "-", stdin=data)
    assert result.returncode == 0 and result.stdout == data


def test_colour_only_when_asked(app_log: Path) -> None:
    plain = run("--no-follow", "-n", "5", str(app_log)).stdout
    assert "\x1b[" not in plain
    coloured = run("--no-follow", "-n", "5", "--color", "always", str(app_log)).stdout
    assert "\x1b[31m" in coloured  # the ERROR line
    assert (
        "\x1b["
        not in run(
            "--no-follow", "-n", "5", "--color", "auto", str(app_log), env={"NO_COLOR": "1"}
        ).stdout
    )


def test_hostile_content_is_sanitised_in_plain_mode(tmp_path: Path) -> None:
    path = tmp_path / "evil.log"
    path.write_bytes(b"\x1b]0;pwned\x07ok \x1b[2J\x00 \xff\xfe bad utf8\n")
    out = run("--no-follow", str(path)).stdout
    assert "\x1b" not in out and "\x07" not in out and "\x00" not in out
    assert "ok" in out and "bad utf8" in out and "\ufffd" in out


def test_command_source_exit_status() -> None:
    ok = run(
        "--no-follow",
        f"cmd:{sys.executable} -c \"print('hi'); import sys; print('err', file=sys.stderr)\"",
    )
    assert ok.returncode == 0 and sorted(ok.stdout.split()) == ["err", "hi"]
    bad = run(f'cmd:{sys.executable} -c "import sys; sys.exit(3)"')
    assert bad.returncode == 1 and "status 3" in bad.stderr


def test_demo_no_follow_and_version_and_list_sources() -> None:
    demo = run("--no-follow", "demo:count=50,seed=3")
    assert demo.returncode == 0 and len(demo.stdout.splitlines()) >= 50
    assert run("--version").stdout.startswith("logtail ")
    listing = run("--list-sources").stdout
    for scheme in ("file", "stdin", "cmd", "demo", "http", "https", "sse+http", "ws", "wss"):
        assert f"\n{scheme}:" in "\n" + listing


def test_piped_into_head_exits_quietly(app_log: Path) -> None:
    proc = subprocess.run(
        f"{sys.executable} -m logtail_tui --no-follow -n all {app_log} | head -n 2",
        shell=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert proc.stdout.count("\n") == 2
    assert "Traceback" not in proc.stderr and "Error" not in proc.stderr
