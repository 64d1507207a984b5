"""How a record is drawn with columns: padded, cut, blank when missing, never raw escapes."""

from __future__ import annotations

from logtail_tui.core.record import Record
from logtail_tui.ui.columns import Columns


def test_columns_are_padded_cut_and_left_out_of_the_rest() -> None:
    columns = Columns()
    columns.choose(0, ["status", "path"], [3, 6])
    raw = '{"msg":"done","status":503,"path":"/api/orders","svc":"api"}'
    drawn = columns.apply(Record("done status=503 path=/api/orders svc=api", 6, None, raw))
    assert drawn.text == "503  /api/…  done svc=api"
    missing = columns.apply(Record("x", 0, None, '{"msg":"x","path":"/"}'))
    assert missing.text == "     /       x"


def test_other_sources_and_plain_text_are_unchanged() -> None:
    columns = Columns()
    columns.choose(1, ["status"], [3])
    record = Record('{"status":1}', 0, None, '{"status":1}', source=0)
    assert columns.apply(record) is record
    text = Record("2026-12-01 INFO plain words", 3, source=1)
    assert columns.apply(text) is text
    columns.choose(1, [], [])
    assert 1 not in columns.by_source


def test_access_log_lines_keep_their_text_after_the_columns() -> None:
    columns = Columns()
    columns.choose(0, ["status", "method"], [3, 4])
    line = '1.2.3.4 - - [01/Dec/2026:10:00:00 +0000] "POST /pay HTTP/1.1" 502 17'
    assert columns.apply(Record(line)).text == "502  POST  " + line


def test_hostile_values_are_sanitised() -> None:
    columns = Columns()
    columns.choose(0, ["evil"], [20])
    raw = '{"msg":"m","evil":"\\u001b[31mred\\u0000"}'
    text = columns.apply(Record("m", 0, None, raw)).text
    assert "\x1b" not in text and "\x00" not in text
    assert "red" in text
