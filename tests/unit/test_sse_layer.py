"""Each place where httpx-sse 0.4 deviates from the WHATWG event-stream rules, and the
layer in `logtail_tui.sources.sse` that corrects it. Every test first shows what
httpx-sse's own decoders do, so a fixed httpx-sse makes the first assertion fail and
tells us the layer can go."""

from __future__ import annotations

from httpx_sse._decoders import SSEDecoder, SSELineDecoder

from logtail_tui.sources.sse import SSEParser


def raw_events(text: str) -> list[tuple[str, str, str]]:
    """What httpx-sse alone makes of ``text``."""
    lines, fields = SSELineDecoder(), SSEDecoder()
    out = []
    for line in lines.decode(text):
        sse = fields.decode(line)
        if sse is not None:
            out.append((sse.event, sse.data, sse.id))
    return out


def test_bom_at_stream_start_is_dropped() -> None:
    text = "\ufeffdata: first\n\n"
    assert raw_events(text) == []  # httpx-sse reads the field name "\ufeffdata"
    assert SSEParser().feed(text.encode()) == [("message", "first", "")]


def test_bom_only_at_the_start() -> None:
    p = SSEParser()
    assert p.feed("\ufeff".encode()) == []
    assert p.feed("data: a\n\n\ufeffdata: b\n\n".encode()) == [("message", "a", "")]


def test_cr_only_line_endings_split_anywhere() -> None:
    stream = b"data: a\r\rdata: b\r\n\r\ndata: c\r\r"
    p = SSEParser()
    events = []
    for i in range(len(stream)):
        events += p.feed(stream[i : i + 1])
    assert [e.data for e in events] == ["a", "b", "c"]


def test_cr_at_chunk_end_ends_the_line_at_once() -> None:
    lines = SSELineDecoder()
    assert lines.decode("data: a\r\r") == ["data: a"]  # httpx-sse holds the last CR
    p = SSEParser()
    assert p.feed(b"data: a\r\r") == [("message", "a", "")]
    assert p.feed(b"\ndata: b\r") == []  # that LF pairs with the CR before: no blank line
    assert p.feed(b"\n\r\n") == [("message", "b", "")]


def test_id_with_nul_is_ignored() -> None:
    p = SSEParser()
    assert p.feed_text("id: 1\ndata: a\n\nid: 2\0x\ndata: b\n\n") == [
        ("message", "a", "1"),
        ("message", "b", "1"),
    ]
    assert p.last_event_id == "1"


def test_retry_must_be_ascii_digits() -> None:
    fields = SSEDecoder()
    fields.decode("retry: +5")
    assert fields.decode("").retry == 5  # httpx-sse takes int("+5")
    p = SSEParser()
    for value in ("+5", " 7", "-1", "1_000", "٣", "2.5", "soon", ""):
        p.feed_text(f"retry: {value}\n\n")
        assert p.retry is None, value
    p.feed_text("retry: 2500\n\nretry:100\n\n")
    assert p.retry == 100


def test_blocks_without_data_are_not_dispatched() -> None:
    text = "id: 7\n\nevent: x\n\nretry: 10\n\n\n"
    assert len(raw_events(text)) == 4  # httpx-sse dispatches each block (and blank lines)
    p = SSEParser()
    assert p.feed_text(text) == []
    assert p.last_event_id == "7"  # the id still counts, as the spec says


def test_empty_data_line_is_an_event() -> None:
    assert SSEParser().feed_text("data\n\ndata:\n\n") == [("message", "", ""), ("message", "", "")]


def test_trailing_data_without_blank_line_at_eof_is_not_dispatched() -> None:
    p = SSEParser()
    assert p.feed_text("data: whole\n\ndata: cut at eof") == [("message", "whole", "")]
    p.reset()  # the connection ended: nothing more comes from that stream
    assert p.feed_text("data: next\n\n") == [("message", "next", "")]


def test_non_ascii_id_is_kept_and_survives_a_reconnect() -> None:
    p = SSEParser()
    assert p.feed_text("id: événement-7 ✓\ndata: a\n\n") == [("message", "a", "événement-7 ✓")]
    p.reset()
    assert p.last_event_id == "événement-7 ✓"
    # A new connection's events without id: keep the id to resume from, as browsers do.
    assert p.feed_text("data: b\n\n") == [("message", "b", "événement-7 ✓")]


def test_a_line_beyond_the_limit_fails(monkeypatch) -> None:
    import pytest

    from logtail_tui.core.errors import ProtocolFailure
    from logtail_tui.sources import sse

    monkeypatch.setattr(sse, "MAX_LINE_BYTES", 10)
    p = SSEParser()
    p.feed_text("data: 12")
    with pytest.raises(ProtocolFailure, match="longer than"):
        p.feed_text("345678")
