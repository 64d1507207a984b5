"""The bulk where filter over chunks gives exactly what asking each record gives."""

from __future__ import annotations

import json
import random
import re
import zlib

import pytest

from logtail_tui.core.chunks import FileChunk, TextChunk
from logtail_tui.core.filters import LineFilter
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Level
from logtail_tui.core.scan import select_in_chunk
from logtail_tui.core.where_eval import Where
from logtail_tui.core.where_scan import clauses

PATHS = ["/api/orders", "/api/pay", "/health", "/static/app.js"]


def random_lines(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = rng.random()
        status = rng.choice(
            [
                200,
                201,
                404,
                500,
                503,
                "503",
                None,
                "0503",
                "5.03e2",
                "+503",
                -7,
                7,
                "1_000",
                1000.5,
                ".5",
            ]
        )
        svc = rng.choice(["api", "apix", "worker", None])
        path = rng.choice(PATHS)
        level = rng.choice(["info", "warn", "error", "debug"])
        second = f"2026-12-01T10:00:{i % 60:02d}Z"
        if kind < 0.35:
            obj = {"time": second, "level": level, "msg": f"request {i}", "path": path}
            if status is not None:
                obj["status"] = status
            if svc is not None:
                obj["svc"] = svc
            if rng.random() < 0.1:
                obj = {"nested": obj}
            text = json.dumps(obj)
            # JSON may escape "/" as "\/": needles must not rely on it.
            out.append(text.replace('"/', '"\\/') if rng.random() < 0.2 else text)
        elif kind < 0.6:
            extra = f" svc={svc}" if svc else ""
            code = f" status={status}" if status is not None else ""
            out.append(f'ts={second} level={level} msg="job {i}"{code}{extra}')
        elif kind < 0.8:
            code = status if status is not None else 200
            out.append(
                f'10.0.0.{i % 9} - - [01/Dec/2026:10:00:{i % 60:02d} +0000] "GET {path} HTTP/1.1" {code} 12'
            )
        elif kind < 0.9:
            out.append(f"Dec  1 10:00:{i % 60:02d} web{i % 3} sshd[{i}]: status {status}")
        else:
            out.append(f"{second} {level.upper()} plain text status={status} svc {svc}")
    return out


EXPRESSIONS = [
    "status>=500",
    "status=503",
    "status<500",
    "status<=9",
    "status>1000",
    "status>=1.5",
    "status!=503",
    "bytes>=12 and bytes<13",
    "svc=api",
    "svc!=api",
    "not svc=api",
    "path~^/api",
    "path~api and status<500",
    "status>=500 or svc=worker",
    "(svc=api or path~health) and level>=warn",
    "nested.status>=500",
    "host~web1 or pid<10",
    'time>="2026-12-01T10:00:30Z" and status',
    "level>=error",
    "svc",
]


def chunks_of(
    lines: list[str],
) -> tuple[FileChunk, TextChunk, TextChunk, list[tuple[str, int, str | None]]]:
    parser = LineParser()
    batch = parser.parse(lines)
    file_chunk = FileChunk(bytearray(batch.levels), LineParser(), blob="\n".join(lines).encode())
    open_chunk, sealed = TextChunk(), TextChunk()
    for chunk in (open_chunk, sealed):
        chunk.append(batch, 0)
    sealed.seal()
    rows = []
    for i in range(len(lines)):
        raw = batch.raws[i] if batch.raws is not None else None
        time = batch.times[i] if batch.times is not None else None
        rows.append((raw or batch.texts[i], batch.levels[i], time))
    return file_chunk, open_chunk, sealed, rows


@pytest.mark.parametrize("expr", EXPRESSIONS)
def test_bulk_agrees_with_each_record(expr: str) -> None:
    lines = random_lines(1500, zlib.crc32(expr.encode()))
    where = Where.build(expr, utc=True)
    line_filter = LineFilter(where=where)
    file_chunk, open_chunk, sealed, rows = chunks_of(lines)
    expected = [i for i, (line, level, time) in enumerate(rows) if where.matches(line, level, time)]
    assert expected, "the data must exercise the expression"
    assert len(expected) < len(lines) or expr == "not svc=api"
    for chunk in (open_chunk, sealed):
        assert list(select_in_chunk(line_filter, chunk, 0, chunk.n)) == expected
        assert list(select_in_chunk(line_filter, chunk, 100, 900)) == [
            i for i in expected if 100 <= i < 900
        ]
    # File lines are asked as read (their time from their fields, not a parsed column).
    file_expected = [i for i, line in enumerate(lines) if where.matches(line, rows[i][1])]
    assert list(select_in_chunk(line_filter, file_chunk, 0, file_chunk.n)) == file_expected
    assert list(select_in_chunk(line_filter, file_chunk, 10, 1200)) == [
        i for i in file_expected if 10 <= i < 1200
    ]
    # With a level filter first, only some lines of the range are asked.
    warned = LineFilter(level=Level.WARNING, where=where)
    assert list(select_in_chunk(warned, file_chunk, 0, file_chunk.n)) == [
        i for i in file_expected if max(rows[i][1], Level.INFO) >= Level.WARNING
    ]


def test_where_combines_with_levels_and_regexes() -> None:
    lines = random_lines(2000, 7)
    where = Where.build("status>=500")
    both = LineFilter.build(level=Level.ERROR, include=("api",), where=where)
    _, _, sealed, rows = chunks_of(lines)
    expected = [
        i
        for i, (line, level, time) in enumerate(rows)
        if level >= Level.ERROR
        and "api" in sealed.texts(i, i + 1)[0]
        and where.matches(line, level, time)
    ]
    assert expected
    assert list(select_in_chunk(both, sealed, 0, sealed.n)) == expected
    assert both.matches(rows[expected[0]][0], rows[expected[0]][1], 0, rows[expected[0]][0])


def test_clauses_are_what_a_match_must_contain() -> None:
    assert clauses(Where.build("svc=api").node) == [("svc",), ("api",)]
    (numeric,) = clauses(Where.build("status>=500").node)

    def found(line: str) -> bool:
        return any(isinstance(p, re.Pattern) and p.search(line) for p in numeric)

    for line in (
        '{"status": 503}',
        '{"status":"0999"}',
        "status=5e2",
        '1.2.3.4 - - [x] "GET /" 500 1',
    ):
        assert found(line), line
    for line in (
        '{"status": 499}',
        "status=42",
        '{"status": -900}',
        '{"nope": 503}',
        "xstatus=900",
    ):
        assert not found(line), line
    assert clauses(Where.build("not svc=api").node) == []
    assert clauses(Where.build("duration_ms or svc=api").node) == [("duration_ms", "svc")]
    assert clauses(Where.build("level>=warn or svc=api").node) == []
    assert clauses(Where.build("path~^/api/v1").node) == [("path", '] "'), ("api",)]
    assert clauses(Where.build("a.b.c=1").node) == [("c",)]
