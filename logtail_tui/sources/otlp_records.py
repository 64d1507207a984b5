"""OTLP logs (``ExportLogsServiceRequest``, protobuf or JSON) as records; pure, no I/O.

resourceLogs -> scopeLogs -> logRecords. For each LogRecord:

- time: ``time_unix_nano``, else ``observed_time_unix_nano``;
- level: ``severity_number`` (1-4 trace ... 21-24 fatal), else ``severity_text``, else a
  level the body names;
- text: a string body is read like any line (JSON and logfmt bodies are parsed); a map
  body like a JSON object; log attributes follow as ``key=value`` (``code.*`` source
  locations stay out of the text); the resource's ``service.name`` leads as a tag;
- fields (the record's ``raw`` JSON): severity, body, log attributes, resource
  attributes, scope, trace and span ids.

The JSON encoding follows the OTLP spec: lowerCamelCase keys (snake_case accepted too),
64-bit integers as strings or numbers, enums as numbers (names accepted), trace and span
ids as hex. A log record that cannot be read is rejected and counted (the receiver
answers with ``partial_success``); a request that cannot be read at all is an error.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from logtail_tui.core.decoder import LineDecoder
from logtail_tui.core.fields import compact, format_time
from logtail_tui.core.levels import level_of, text_level
from logtail_tui.core.parse import LineParser
from logtail_tui.core.record import Batch, Level
from logtail_tui.core.sanitize import sanitize

_SEVERITY = (Level.TRACE, Level.DEBUG, Level.INFO, Level.WARNING, Level.ERROR, Level.CRITICAL)
_SEVERITY_NAMES = {
    f"SEVERITY_NUMBER_{name}{n if n > 1 else ''}": base + n
    for base, name in ((0, "TRACE"), (4, "DEBUG"), (8, "INFO"), (12, "WARN"), (16, "ERROR"), (20, "FATAL"))
    for n in range(1, 5)
}  # fmt: skip
_HIDDEN_PREFIX = "code."
"""Attributes kept as fields but left out of the text (source file, line, function)."""
TAG_MAX = 40


class Malformed(ValueError):
    """The request as a whole cannot be read; ``str()`` says why, for the 400 answer."""


@dataclass
class Outcome:
    """What one request gave: its records and the log records rejected."""

    batch: Batch = field(default_factory=Batch)
    rejected: int = 0
    reason: str = ""


class LogMapper:
    """Maps decoded requests to batches.

    Args:
        parser: The source's parser (sanitises, levels and maps fields).
        max_line_length: Longer text lines are split into continuation pieces.
    """

    def __init__(self, parser: LineParser, max_line_length: int) -> None:
        self.parser = parser
        self._max = max_line_length

    # -- protobuf (a decoded ExportLogsServiceRequest message)
    def from_protobuf(self, request: Any) -> Outcome:
        out = Outcome()
        for rl in request.resource_logs:
            resource = _pb_attributes(rl.resource.attributes)
            for sl in rl.scope_logs:
                scope = sl.scope.name
                for lr in sl.log_records:
                    self._add(
                        out.batch,
                        resource,
                        scope,
                        lr.time_unix_nano or lr.observed_time_unix_nano,
                        lr.severity_number,
                        lr.severity_text,
                        _pb_value(lr.body) if lr.HasField("body") else None,
                        _pb_attributes(lr.attributes),
                        lr.trace_id.hex(),
                        lr.span_id.hex(),
                    )
        return out

    # -- JSON (the decoded object)
    def from_json(self, request: Any) -> Outcome:
        """Raises `Malformed` when ``request`` is not an ExportLogsServiceRequest."""
        if not isinstance(request, dict):
            raise Malformed("the body is not a JSON object")
        out = Outcome()
        for rl in _list(_get(request, "resourceLogs", "resource_logs"), "resourceLogs"):
            if not isinstance(rl, dict):
                raise Malformed("an element of resourceLogs is not an object")
            res = _get(rl, "resource") or {}
            resource = _json_attributes(_get(res, "attributes") if isinstance(res, dict) else None)
            for sl in _list(_get(rl, "scopeLogs", "scope_logs"), "scopeLogs"):
                if not isinstance(sl, dict):
                    raise Malformed("an element of scopeLogs is not an object")
                scope = _get(sl, "scope") or {}
                name = str(_get(scope, "name") or "") if isinstance(scope, dict) else ""
                for lr in _list(_get(sl, "logRecords", "log_records"), "logRecords"):
                    try:
                        self._json_record(out.batch, resource, name, lr)
                    except (ValueError, TypeError, AttributeError) as exc:
                        out.rejected += 1
                        out.reason = out.reason or f"a log record could not be read: {exc}"
        return out

    def _json_record(self, batch: Batch, resource: dict[str, Any], scope: str, lr: Any) -> None:
        if not isinstance(lr, dict):
            raise ValueError("it is not an object")
        severity = _get(lr, "severityNumber", "severity_number") or 0
        if isinstance(severity, str):
            severity = _SEVERITY_NAMES.get(severity, 0) if not severity.isdigit() else int(severity)
        body = _get(lr, "body")
        self._add(
            batch,
            resource,
            scope,
            _uint(_get(lr, "timeUnixNano", "time_unix_nano"))
            or _uint(_get(lr, "observedTimeUnixNano", "observed_time_unix_nano")),
            int(severity),
            str(_get(lr, "severityText", "severity_text") or ""),
            _json_value(body) if body is not None else None,
            _json_attributes(_get(lr, "attributes")),
            str(_get(lr, "traceId", "trace_id") or ""),
            str(_get(lr, "spanId", "span_id") or ""),
        )

    # -- one record, whatever the encoding
    def _add(
        self,
        batch: Batch,
        resource: dict[str, Any],
        scope: str,
        ns: int,
        severity: int,
        severity_text: str,
        body: Any,
        attributes: dict[str, Any],
        trace_id: str,
        span_id: str,
    ) -> None:
        time = format_time(ns) if ns else None
        level: int = _SEVERITY[(severity - 1) // 4] if 1 <= severity <= 24 else Level.NONE
        level = level or level_of(severity_text)
        service = resource.get("service.name")
        tag = f"[{_short(str(service))}] " if service else ""
        fields: dict[str, Any] = {"time": time, "severity": severity_text or None}
        fields["message" if isinstance(body, str) else "body"] = body
        fields |= attributes
        fields |= resource
        fields |= {"scope": scope or None, "trace_id": trace_id or None, "span_id": span_id or None}
        raw = sanitize(compact({k: v for k, v in fields.items() if v is not None}))
        shown = {k: v for k, v in attributes.items() if not k.startswith(_HIDDEN_PREFIX)}
        if isinstance(body, str):
            one_line = "\n" not in body.rstrip("\r\n")
            parsed = self.parser.fields_of(body) if one_line else None
            if parsed is not None:
                body_fields: Mapping[str, Any] = parsed
            elif not one_line or len(body) > self._max:
                self._lines(batch, tag, body, level, time, raw)  # a stack trace, a huge line
                return
            elif not shown:
                text = sanitize(body)  # the common case, kept cheap
                batch.append(tag + text, level or text_level(text), time, raw)
                return
            else:
                body_fields = {"message": body}
        elif isinstance(body, dict):
            body_fields = body
        else:
            body_fields = {"message": "" if body is None else compact(body)}
        record = self.parser.parse_object({**body_fields, **shown})
        batch.append(tag + record.text, level or record.level, time or record.time, raw)

    def _lines(
        self, batch: Batch, tag: str, body: str, level: int, time: str | None, raw: str
    ) -> None:
        """A multi-line body (a stack trace): one record a line, all of them tagged."""
        decoder = LineDecoder(self._max)
        for text in map(sanitize, decoder.decode_text(body) + decoder.flush()):
            level = level or text_level(text)
            batch.append(tag + text, level, time, raw)


def _short(text: str) -> str:
    text = sanitize(text)
    return text if len(text) <= TAG_MAX else text[: TAG_MAX - 1] + "…"


def _get(obj: Any, camel: str, snake: str | None = None) -> Any:
    value = obj.get(camel)
    return obj.get(snake) if value is None and snake else value


def _list(value: Any, name: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise Malformed(f"{name} is not a list")
    return value


def _uint(value: Any) -> int:
    if value is None or value == "":
        return 0
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValueError(f"{value!r} is not a timestamp")
    number = int(value)
    if number < 0:
        raise ValueError(f"{value!r} is not a timestamp")
    return number


# -- AnyValue, both encodings
def _pb_value(value: Any) -> Any:
    kind = value.WhichOneof("value")
    if kind is None:
        return None
    if kind == "kvlist_value":
        return _pb_attributes(value.kvlist_value.values)
    if kind == "array_value":
        return [_pb_value(v) for v in value.array_value.values]
    if kind == "bytes_value":
        return base64.b64encode(value.bytes_value).decode()
    return getattr(value, kind)


def _pb_attributes(pairs: Any) -> dict[str, Any]:
    return {kv.key: _pb_value(kv.value) for kv in pairs}


def _json_value(value: Any) -> Any:
    if not isinstance(value, dict):
        raise ValueError("an AnyValue is not an object")
    for key, item in value.items():
        if key in (
            "stringValue",
            "string_value",
            "boolValue",
            "bool_value",
            "doubleValue",
            "double_value",
            "bytesValue",
            "bytes_value",
        ):
            return item
        if key in ("intValue", "int_value"):
            return int(item)
        if key in ("arrayValue", "array_value"):
            return [_json_value(v) for v in _list(item.get("values"), "arrayValue.values")]
        if key in ("kvlistValue", "kvlist_value"):
            return _json_attributes(item.get("values"))
    return None  # an empty AnyValue


def _json_attributes(pairs: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for kv in _list(pairs, "attributes"):
        if not isinstance(kv, dict) or not isinstance(kv.get("key"), str):
            raise ValueError("an attribute has no key")
        value = kv.get("value")
        out[kv["key"]] = _json_value(value) if value is not None else None
    return out
