"""``-w/--where`` end to end: real files, a real ``logtail`` process, plain output."""

from __future__ import annotations

import json
from pathlib import Path

from support import run_cli


def write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines))
    return path


def test_failed_requests_of_two_services(tmp_path: Path) -> None:
    api = write(
        tmp_path / "api.log",
        [
            json.dumps({"time": f"2026-12-01T10:00:0{i}Z", "level": lv, "msg": m, "status": s})
            for i, (lv, m, s) in enumerate(
                [("info", "ok", 200), ("error", "upstream down", 503), ("warn", "nope", 404)]
            )
        ],
    )
    worker = write(
        tmp_path / "worker.log",
        [
            'ts=2026-12-01T10:00:01Z level=info msg="job done" status=200',
            'ts=2026-12-01T10:00:04Z level=error msg="job crashed" status=500 job=17',
        ],
    )
    result = run_cli("--plain", "--no-follow", "-w", "status>=500", str(api), str(worker))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        f"[{api}] 2026-12-01T10:00:01+00:00 ERROR upstream down status=503",
        f"[{worker}] 2026-12-01T10:00:04+00:00 ERROR job crashed status=500 job=17",
    ]


def test_access_log_read_in_bulk(tmp_path: Path) -> None:
    lines = [
        f"10.0.0.{i % 200} - - [01/Dec/2026:10:{i // 60 % 60:02d}:{i % 60:02d} +0000] "
        f'"GET /api/{i} HTTP/1.1" {(200, 201, 404, 500, 503)[i % 5]} {i}'
        for i in range(30_000)
    ]
    log = write(tmp_path / "access.log", lines)
    result = run_cli(
        "--plain", "--no-follow", "-n", "all", "-w", "status>=500 and bytes<100", str(log)
    )
    assert result.returncode == 0, result.stderr
    expected = [line for i, line in enumerate(lines) if i % 5 >= 3 and i < 100]
    assert result.stdout.splitlines() == expected


def test_where_with_other_filters(tmp_path: Path) -> None:
    log = write(
        tmp_path / "app.log",
        [
            '{"level":"error","msg":"db timeout","svc":"api"}',
            '{"level":"error","msg":"db timeout","svc":"web"}',
            '{"level":"info","msg":"db ok","svc":"api"}',
            '{"level":"error","msg":"cache miss","svc":"api"}',
        ],
    )
    result = run_cli("--no-follow", "-l", "error", "-i", "timeout", "-w", "svc=api", str(log))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["ERROR db timeout svc=api"]


def test_bad_expression_is_exit_2_with_a_caret(tmp_path: Path) -> None:
    log = write(tmp_path / "app.log", ["x"])
    result = run_cli("--no-follow", "-w", "status>=500 and (path~^/api", str(log))
    assert result.returncode == 2
    assert result.stdout == ""
    first, expr, caret = result.stderr.splitlines()
    assert first == "logtail: --where: the '(' here is never closed: add a ')' (column 17)."
    assert expr == "  status>=500 and (path~^/api"
    assert caret == "  " + " " * 16 + "^"
    assert "Traceback" not in result.stderr


def test_big_json_file_with_where_and_a_regex(tmp_path: Path) -> None:
    records = [
        {"level": "error" if i % 7 == 0 else "info", "msg": f"req {i}", "status": 500 + i % 4}
        for i in range(20_000)
    ]
    log = write(tmp_path / "big.log", [json.dumps(r) for r in records])
    result = run_cli(
        "--plain",
        "--no-follow",
        "-n",
        "all",
        "-l",
        "error",
        "-i",
        r"req \d+1 ",
        "-w",
        "status=501",
        str(log),
    )
    assert result.returncode == 0, result.stderr
    expected = [
        f"ERROR req {i} status=501"
        for i, r in enumerate(records)
        if r["level"] == "error" and r["status"] == 501 and str(i).endswith("1")
    ]
    assert expected
    assert result.stdout.splitlines() == expected


def test_where_keeps_whole_records(tmp_path: Path) -> None:
    # The fields are the first line's; the stack lines under it go with the record.
    log = write(
        tmp_path / "traces.log",
        [
            '{"level":"error","msg":"boom","svc":"api"}',
            "    at shop.Api.handle(Api.java:10)",
            "    at shop.Server.run(Server.java:99)",
            '{"level":"error","msg":"other","svc":"db"}',
            "    at shop.Db.query(Db.java:5)",
            '{"level":"info","msg":"fine","svc":"api"}',
        ],
    )
    result = run_cli("--plain", "--no-follow", "-n", "all", "-w", "svc=api", str(log))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "ERROR boom svc=api",
        "    at shop.Api.handle(Api.java:10)",
        "    at shop.Server.run(Server.java:99)",
        "INFO  fine svc=api",
    ]
