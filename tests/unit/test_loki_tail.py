"""TailInterpreter: Loki tail messages to records, resume de-duplication, tags (pure)."""

from __future__ import annotations

import json

import pytest

from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Level
from logtail_tui.sources.loki_tail import TailInterpreter


def message(*streams: tuple[dict[str, str], list[list[object]]], dropped: int = 0) -> str:
    drops = [{"labels": {}, "timestamp": "1"}] * dropped
    return json.dumps(
        {"streams": [{"stream": s, "values": v} for s, v in streams], "dropped_entries": drops}
    )


def tail(fmt: str = "auto") -> TailInterpreter:
    return TailInterpreter(LineParser(fmt), 100)


def test_resent_boundary_entries_are_skipped_and_new_ones_kept() -> None:
    t = tail()
    api = {"app": "api"}
    batch, _ = t.feed(message((api, [["10", "a"], ["20", "b"], ["20", "c"]])))
    assert batch.texts == ["a", "b", "c"] and t.last_ns == 20
    # After a reconnect with start=20 Loki sends both entries at 20 again, then new ones.
    batch, _ = t.feed(message((api, [["20", "b"], ["20", "c"], ["20", "d"], ["30", "e"]])))
    assert batch.texts == ["d", "e"]
    assert t.duplicates == 2 and t.last_ns == 30


def test_same_line_at_same_instant_in_another_stream_is_a_different_entry() -> None:
    t = tail()
    t.feed(message(({"app": "api"}, [["5", "same"]])))
    batch, _ = t.feed(message(({"app": "web"}, [["5", "same"]])))
    assert batch.texts == ["[app=web] same"]


def test_tags_appear_once_a_second_stream_is_seen() -> None:
    t = tail()
    first, _ = t.feed(message(({"app": "api"}, [["1", "one"]])))
    both, _ = t.feed(message(({"app": "api"}, [["2", "two"]]), ({"app": "web"}, [["3", "three"]])))
    assert first.texts == ["one"]
    assert both.texts == ["[app=api] two", "[app=web] three"]


def test_dropped_entries_are_counted() -> None:
    t = tail()
    _, newly = t.feed(message(dropped=4))
    _, again = t.feed(message(dropped=1))
    assert (newly, again, t.dropped) == (4, 1, 5)


def test_level_label_applies_to_text_lines_that_name_none() -> None:
    t = tail()
    batch, _ = t.feed(
        message(({"level": "warn"}, [["1", "no level here"], ["2", "ERROR has one"]]))
    )
    assert batch.levels == [Level.WARNING, Level.ERROR]


def test_structured_metadata_becomes_fields() -> None:
    t = tail()
    batch, _ = t.feed(message(({"app": "api"}, [["1", "hi", {"trace_id": "abc"}]])))
    assert json.loads(batch.raws[0]) == {"app": "api", "trace_id": "abc", "message": "hi"}  # type: ignore[index]


def test_format_text_keeps_json_lines_as_text() -> None:
    batch, _ = tail("text").feed(message(({"app": "api"}, [["1", '{"msg": "x"}']])))
    assert batch.texts == ['{"msg": "x"}']


@pytest.mark.parametrize("bad", ["not json", "[1, 2]", '{"streams": 5}'])
def test_not_a_tail_message_raises_value_error(bad: str) -> None:
    with pytest.raises(ValueError):
        tail().feed(bad)


def test_odd_values_are_skipped_not_fatal() -> None:
    batch, _ = tail().feed(
        json.dumps(
            {"streams": [{"stream": {}, "values": [["1"], "x", ["2", 5], ["x", "no stamp"]]}]}
        )
    )
    assert batch.texts == ["no stamp"] and batch.times is None


def test_json_lines_carry_the_labels_as_fields_and_their_own_keys_win() -> None:
    batch, _ = tail().feed(
        message(
            ({"app": "api", "env": "prod"}, [["1", '{"app": "mine", "msg": "x"}'], ["2", "{}"]])
        )
    )
    assert json.loads(batch.raws[0]) == {"app": "mine", "env": "prod", "msg": "x"}  # type: ignore[index]
    assert json.loads(batch.raws[1]) == {"app": "api", "env": "prod"}  # type: ignore[index]
    assert batch.texts[0] == "x app=mine"  # the line's own fields, not the labels, follow
