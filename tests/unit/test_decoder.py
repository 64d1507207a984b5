"""LineDecoder: framing, UTF-8 across chunks, overflow pieces, bounded memory."""

from __future__ import annotations

import random

import pytest

from logtail_tui.core.decoder import CONTINUED, LineDecoder


def feed(decoder: LineDecoder, chunks: list[bytes]) -> list[str]:
    out: list[str] = []
    for chunk in chunks:
        out += decoder.decode(chunk)
    return out + decoder.flush()


def unsplit(pieces: list[str]) -> str:
    """Rejoin split pieces; checks every later piece carries the marker."""
    text = pieces[0]
    for piece in pieces[1:]:
        assert piece.startswith(CONTINUED)
        text += piece[len(CONTINUED) :]
    return text


def test_lf_and_crlf_lines() -> None:
    assert LineDecoder().decode(b"one\ntwo\r\nthree\n") == ["one", "two", "three"]


def test_empty_lines_are_kept() -> None:
    assert LineDecoder().decode(b"a\n\n\r\nb\n") == ["a", "", "", "b"]


def test_incomplete_line_waits_for_its_newline() -> None:
    decoder = LineDecoder()
    assert decoder.decode(b"par") == []
    assert decoder.decode(b"tial\nnext") == ["partial"]
    assert decoder.flush() == ["next"]
    assert decoder.flush() == []


def test_crlf_split_across_chunks() -> None:
    assert feed(LineDecoder(), [b"one\r", b"\ntwo\r", b"\n"]) == ["one", "two"]


def test_lone_cr_inside_a_line_is_content() -> None:
    assert LineDecoder().decode(b"10%\r20%\rdone\n") == ["10%\r20%\rdone"]


@pytest.mark.parametrize("char", ["é", "€", "😀"])
def test_utf8_character_cut_at_every_byte(char: str) -> None:
    data = f"a{char}b\n".encode()
    for cut in range(1, len(data)):
        assert feed(LineDecoder(), [data[:cut], data[cut:]]) == [f"a{char}b"]


def test_utf8_fed_byte_by_byte() -> None:
    text = "naïve ☃ 日本語 😀\nzwei\n"
    data = text.encode()
    assert feed(LineDecoder(), [data[i : i + 1] for i in range(len(data))]) == text.splitlines()


def test_invalid_utf8_is_replaced_not_fatal() -> None:
    assert LineDecoder().decode(b"bad \xff\xfe byte\nok\n") == ["bad \ufffd\ufffd byte", "ok"]


def test_truncated_utf8_at_end_of_input() -> None:
    decoder = LineDecoder()
    assert decoder.decode("x€".encode()[:-1]) == []
    assert decoder.flush() == ["x\ufffd"]


def test_decode_text_frames_text() -> None:
    decoder = LineDecoder()
    assert decoder.decode_text("a\r\nb") == ["a"]
    assert decoder.decode_text("c\n") == ["bc"]
    assert decoder.decode_text("") == []


def test_overlong_line_is_split_into_marked_pieces() -> None:
    line = "".join(str(i % 10) for i in range(25))
    pieces = LineDecoder(max_line_length=10).decode(f"{line}\nshort\n".encode())
    assert pieces == [line[:10], CONTINUED + line[10:20], CONTINUED + line[20:], "short"]
    assert unsplit(pieces[:3]) == line


def test_line_of_exact_maximum_is_not_split() -> None:
    assert LineDecoder(max_line_length=5).decode(b"12345\n") == ["12345"]


def test_overflow_without_newline_is_emitted_progressively_and_loses_nothing() -> None:
    size = 1000
    decoder = LineDecoder(max_line_length=size)
    chunk = bytes(range(97, 123)) * 160  # 4160 bytes of a-z, no newline
    fed = 0
    pieces: list[str] = []
    for _ in range(250):  # ~1 MB
        pieces += decoder.decode(chunk)
        fed += len(chunk)
        # Memory bound: at most `size` characters are held back.
        assert sum(len(p) for p in pieces) - len(CONTINUED) * (len(pieces) - 1) >= fed - size
    pieces += decoder.decode(b"\nafter\n")
    assert pieces[-1] == "after"
    assert all(len(p) <= size + len(CONTINUED) for p in pieces)
    assert unsplit(pieces[:-1]) == (chunk * 250).decode()


def test_overflow_then_short_tail_in_a_later_chunk_is_marked() -> None:
    decoder = LineDecoder(max_line_length=4)
    assert decoder.decode(b"abcdefghij") == ["abcd", CONTINUED + "efgh"]
    assert decoder.decode(b"k\nnext\n") == [CONTINUED + "ijk", "next"]


def test_overflow_tail_at_end_of_input_is_marked() -> None:
    decoder = LineDecoder(max_line_length=4)
    assert decoder.decode_text("abcdefghij") == ["abcd", CONTINUED + "efgh"]
    assert decoder.flush() == [CONTINUED + "ij"]


def test_overflow_keeps_split_crlf_together() -> None:
    decoder = LineDecoder(max_line_length=4)
    out = decoder.decode(b"abcdefgh\r") + decoder.decode(b"\nz\n")
    assert out == ["abcd", CONTINUED + "efgh", "z"]


def test_one_megabyte_line_in_one_chunk() -> None:
    line = "x" * 1_000_000
    pieces = LineDecoder(max_line_length=65_536).decode((line + "\n").encode())
    assert len(pieces) == 16
    assert unsplit(pieces) == line


def test_zero_means_no_limit() -> None:
    assert LineDecoder(max_line_length=0).decode(b"y" * 100_000 + b"\n") == ["y" * 100_000]


def test_negative_limit_is_refused() -> None:
    with pytest.raises(ValueError):
        LineDecoder(max_line_length=-1)


@pytest.mark.parametrize("size", [0, 1, 3, 7, 64])
def test_chunking_never_changes_the_result(size: int) -> None:
    rng = random.Random(size)
    alphabet = [
        b"a",
        b"bc",
        b"\n",
        b"\r",
        b"\r\n",
        "é".encode(),
        "😀".encode(),
        b"\xff",
        b"\xe2\x82",
    ]
    for _ in range(200):
        data = b"".join(rng.choices(alphabet, k=rng.randint(0, 60)))
        whole = feed(LineDecoder(size), [data])
        cuts = sorted(rng.sample(range(len(data) + 1), min(len(data) + 1, rng.randint(0, 8))))
        chunks = [data[a:b] for a, b in zip([0, *cuts], [*cuts, len(data)], strict=True)]
        assert feed(LineDecoder(size), chunks) == whole, (data, cuts)
        if size:
            assert all(len(line) <= size + len(CONTINUED) for line in whole)
