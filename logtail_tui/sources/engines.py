"""What the log-engine adapters (Redis Streams, NATS) share; see docs/architecture.md.

- `require`: import an optional client library, or fail with one line naming the extra.
- `EntryRecords`: engine entries (a payload, or a map of fields) -> batches, parsed like
  any other source, with the engine's time when the payload has none and a ``[tag] ``
  naming the stream or subject when one source covers several.

Each adapter is a `reconnect.Link` ("connect once and read", "classify this failure")
run by the shared reconnect driver, which owns backoff, states and ``--retries``.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from functools import lru_cache
from types import ModuleType

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.errors import SourceError
from logtail_tui.core.fields import format_time
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch
from logtail_tui.core.sanitize import sanitize

PAYLOAD_KEYS = ("message", "msg", "log", "line", "data", "payload", "body", "text", "event")
"""Entry fields that hold a whole log line (JSON, logfmt or text) rather than one value."""


def require(module: str, extra: str, what: str) -> ModuleType:
    """Import ``module`` or raise a `SourceError` telling how to install it.

    Args:
        module: The import name (``redis.asyncio``).
        extra: The logtail extra that installs it (``redis``).
        what: The source kind for the message (``Redis Streams``).
    """
    try:
        return importlib.import_module(module)
    except ImportError:
        raise SourceError(
            f"Following {what} needs the {extra} client library, which is not installed; "
            f'install it with: pip install "logtail-tui[{extra}]"'
        ) from None


def epoch_ms_time(ms: int) -> str:
    """An engine's millisecond timestamp as the ISO 8601 UTC text records carry
    (``2026-01-31T12:00:00.123Z``); per record, so each second is formatted once."""
    if ms <= 0:
        return ""
    seconds, fraction = divmod(ms, 1000)
    return f"{_whole_second(seconds)}.{fraction:03d}Z"


@lru_cache(maxsize=1024)
def _whole_second(seconds: int) -> str:
    return format_time(seconds)[:19]


class EntryRecords:
    """Gathers engine entries into one batch until `take` is called.

    Text payloads wait in a list and go through `LineParser.parse` together (one call
    per entry would cost more than everything else); an entry made of fields flushes
    them first, so order is kept.

    Args:
        parser: The source's parser (sanitises, levels and maps fields).
        max_line_length: Longer payload lines are split into continuation pieces.
    """

    def __init__(self, parser: LineParser, max_line_length: int) -> None:
        self.parser = parser
        self._max = max_line_length
        self._batch = Batch()
        self._lines: list[str] = []
        self._times: list[str | None] = []
        self._tags: list[str] = []
        self._any_tag = False

    def __len__(self) -> int:
        return len(self._batch) + len(self._lines)

    def payload(self, text: str, time: str | None = None, tag: str = "") -> None:
        """One entry whose content is a log line (or several, newline separated)."""
        if "\n" in text or "\r" in text or (self._max and len(text) > self._max):
            decoder = LineDecoder(self._max)
            lines = decoder.decode_text(text) + decoder.flush()
        else:
            lines = [text]
        for line in lines:
            self._lines.append(line)
            self._times.append(time)
            self._tags.append(tag)
        self._any_tag = self._any_tag or bool(tag)

    def fields(self, obj: Mapping[str, str], time: str | None = None, tag: str = "") -> None:
        """One entry made of fields: the payload field if it holds a structured line,
        else a record built from the fields (``message``/``level``/``time`` mapped)."""
        if len(obj) == 1:
            key, value = next(iter(obj.items()))
            if key.lower() in PAYLOAD_KEYS:
                self.payload(value, time, tag)
                return
        for key in PAYLOAD_KEYS:
            value = obj.get(key)
            if value is not None and value.lstrip()[:1] == "{":
                self.payload(value, time, tag)
                return
        self._flush()
        record = self.parser.parse_object(obj)
        text = f"[{sanitize(tag)}] {record.text}" if tag else record.text
        self._batch.append(text, record.level, record.time or time, record.raw)

    def take(self) -> Batch:
        """Everything gathered since the last call."""
        self._flush()
        batch, self._batch = self._batch, Batch()
        return batch

    def _flush(self) -> None:
        if not self._lines:
            return
        lines, times, tags = self._lines, self._times, self._tags
        self._lines, self._times, self._tags = [], [], []
        batch = self.parser.parse(lines)
        if batch.times is None:
            if any(times):
                batch.times = times
        else:
            batch.times = [
                own or fallback for own, fallback in zip(batch.times, times, strict=True)
            ]
        if self._any_tag:
            self._any_tag = False
            texts = batch.texts
            shown: dict[str, str] = {}
            for i, tag in enumerate(tags):
                if tag:
                    prefix = shown.get(tag) or shown.setdefault(tag, f"[{sanitize(tag)}] ")
                    texts[i] = prefix + texts[i]
        self._batch.extend(batch)
