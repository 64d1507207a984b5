"""Turns framed lines (or decoded JSON objects) into batches: sanitised, levelled, mapped.

Every adapter that receives lines calls `LineParser.parse`; adapters that receive
structured payloads call `LineParser.parse_object`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from logtail_tui.core.record import Batch, Level, Record

_CTRL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_LEVEL = re.compile(r"(?i)\b(trace|debug|info|notice|warn(?:ing)?|error|err|fatal|critical|crit)\b")


def sanitize(text: str) -> str:
    if "\t" in text:
        text = text.expandtabs(8)
    if not _CTRL.search(text):
        return text
    text = _ANSI.sub("", text)
    return _CTRL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def level_of(value: Any) -> int:
    try:
        return Level.parse(str(value))
    except ValueError:
        return Level.NONE


class LineParser:
    """Args: fmt: ``auto``, ``text``, ``json`` or ``logfmt``; field_map: meaning -> key."""

    def __init__(self, fmt: str = "auto", field_map: Mapping[str, str] = MappingProxyType({})) -> None:
        self.fmt = fmt
        self.field_map = field_map

    def parse(self, lines: list[str]) -> Batch:
        batch = Batch()
        for line in lines:
            if self.fmt in ("auto", "json") and line.startswith("{"):
                try:
                    obj = json.loads(line)
                except ValueError:
                    obj = None
                if isinstance(obj, dict):
                    batch.add(self.parse_object(obj, line))
                    continue
            text = sanitize(line)
            m = _LEVEL.search(text, 0, 60)
            batch.append(text, level_of(m.group(1)) if m else Level.NONE)
        return batch

    def parse_object(self, obj: Mapping[str, Any], raw: str | None = None) -> Record:
        msg = obj.get("message", obj.get("msg", ""))
        level = level_of(obj.get("level", ""))
        time = obj.get("timestamp", obj.get("time"))
        raw_text = sanitize(raw if raw is not None else json.dumps(obj, ensure_ascii=False))
        return Record(sanitize(str(msg)), level, None if time is None else sanitize(str(time)), raw_text)
