"""Plain mode shows the level word and one time zone, through the real CLI in a subprocess."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from support import run_cli


def logtail(
    *args: str, stdin: str | None = None, tz: str = "UTC"
) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, stdin=stdin, env={"TZ": tz, "NO_COLOR": "1"})


def test_structured_record_without_time_prints_its_level_word() -> None:
    result = logtail("--no-follow", "-", stdin='{"level":"error","msg":"db down"}\n')
    assert result.returncode == 0, result.stderr
    assert result.stdout == "ERROR db down\n"
    # so a grep for the level finds it, and a level-less record stays as it was
    stdin = '{"level":"warn","msg":"slow"}\n{"msg":"no level here"}\nlevel=info msg="started"\n'
    out = logtail("--no-follow", "-", stdin=stdin).stdout.splitlines()
    assert out == ["WARN  slow", "no level here", "INFO  started"]


def test_text_lines_still_print_exactly_as_read(tmp_path: Path) -> None:
    text = (
        "2026-12-01 02:35:16,123 ERROR [main] boom\n"
        '203.0.113.9 - - [01/Dec/2026:02:35:16 +0000] "GET / HTTP/1.1" 503 5\n'
        "no level at all\n"
    )
    path = tmp_path / "app.log"
    path.write_text(text)
    result = logtail("--plain", "--no-follow", "-n", "all", str(path))
    assert result.stdout == text
    warn = logtail("--plain", "--no-follow", "-n", "all", "-l", "warn", str(path)).stdout
    assert warn.splitlines() == text.splitlines()[:2]  # the 503 counts as an error


def test_times_are_shown_in_one_zone_local_by_default_or_utc(tmp_path: Path) -> None:
    path = tmp_path / "j.log"
    records = [
        {"time": "2026-12-01T02:31:38+01:00", "level": "info", "msg": "from Paris"},
        {"time": "2026-12-01T01:31:39.250Z", "level": "error", "msg": "from London"},
        {"ts": 1796088700, "level": "warn", "msg": "epoch seconds"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    local = logtail("--no-follow", str(path), tz="Asia/Tokyo").stdout.splitlines()
    assert local == [
        "2026-12-01T10:31:38+09:00 INFO  from Paris",
        "2026-12-01T10:31:39.250+09:00 ERROR from London",
        "2026-12-01T10:31:40.000+09:00 WARN  epoch seconds",
    ]
    utc = logtail("--no-follow", "--utc", str(path), tz="Asia/Tokyo").stdout.splitlines()
    assert [line.split(" ", 1)[0] for line in utc] == [
        "2026-12-01T01:31:38Z",
        "2026-12-01T01:31:39.250Z",  # as written: a UTC time shown in UTC is unchanged
        "2026-12-01T01:31:40.000Z",
    ]


def test_unreadable_time_text_is_printed_as_given() -> None:
    out = logtail("--no-follow", "-", stdin='{"time":"yesterday","level":"info","msg":"m"}\n')
    assert out.stdout == "yesterday INFO  m\n"


def test_several_sources_put_the_tag_in_the_same_place(tmp_path: Path) -> None:
    api, app = tmp_path / "api.log", tmp_path / "app.log"
    api.write_text(
        json.dumps({"time": "2026-12-01T02:31:38Z", "level": "error", "msg": "db down"})
        + "\n"
        + json.dumps({"level": "warn", "msg": "no time"})
        + "\n"
    )
    app.write_text("2026-12-01T02:31:39Z ERROR text line\n")
    out = logtail("--no-follow", "--utc", str(api), str(app)).stdout.splitlines()
    assert sorted(out) == sorted(
        [
            f"[{api}] 2026-12-01T02:31:38Z ERROR db down",
            f"[{api}] WARN  no time",
            f"[{app}] 2026-12-01T02:31:39Z ERROR text line",
        ]
    )


def test_level_word_also_when_a_big_file_is_read_in_bulk(tmp_path: Path) -> None:
    # Over a MiB: the file source hands it over in bulk chunks rather than batches.
    path = tmp_path / "big.json"
    path.write_text("".join(json.dumps({"level": "error", "msg": f"db down {i}"}) + "\n"
                            for i in range(40_000)))  # fmt: skip
    assert path.stat().st_size > 1 << 20
    out = logtail("--plain", "--no-follow", "-n", "all", str(path)).stdout.splitlines()
    assert out == [f"ERROR db down {i}" for i in range(40_000)]
