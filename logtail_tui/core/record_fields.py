"""The fields of one record, whatever its kind: JSON, logfmt, access log or syslog.

JSON objects and logfmt pairs are their own fields (nested JSON reached with dotted names,
``http.status``). Text records of two recognised formats get named fields from their layout
(docs/architecture.md, "Fields and the where filter"):

* access logs (common and combined): ``remote``, ``user``, ``method``, ``path``,
  ``protocol``, ``status``, ``bytes``, ``referer``, ``agent``;
* syslog (RFC 3164 ``Dec  1 10:00:00 host prog[42]: msg`` and RFC 5424): ``host``,
  ``program``, ``pid``, ``message``.

Everything here runs only on candidate lines of a where filter or on a line being drawn
in columns, never over the whole scrollback per line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from logtail_tui.core.fields import _dotted, parse_logfmt, split_stamp

_QUOTED = r'"((?:[^"\\]|\\.)*)"'


def _quoted(name: str) -> str:
    return _QUOTED.replace("(", f"(?P<{name}>", 1)


ACCESS = re.compile(
    rf"(?P<remote>\S+) \S+ (?P<user>\S+) \[[^\]]+\] {_quoted('request')} (?P<status>\d{{3}}) "
    rf"(?P<bytes>\d+|-)(?: {_quoted('referer')} {_quoted('agent')})?"
)
"""Common / combined log format."""
ACCESS_FIELDS = frozenset(
    {"remote", "user", "method", "path", "protocol", "status", "bytes", "referer", "agent"}
)
ACCESS_MARK = '] "'
"""Every line `ACCESS` matches contains this: the bulk pre-filter's needle."""
SYSLOG = re.compile(
    r"(?:<\d{1,3}>)?(?:"
    r"1 \S+ (?P<host5>\S+) (?P<app5>\S+) (?P<pid5>\S+) \S+ (?:-|\[.*?\]) ?(?P<msg5>.*)"
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d (?P<host>\S+) (?P<program>[^\s\[:]+)"
    r"(?:\[(?P<pid>\d+)\])?: (?P<message>.*))",
    re.DOTALL,
)
SYSLOG_FIELDS = frozenset({"host", "program", "pid", "message"})


def text_fields(line: str) -> dict[str, str] | None:
    """Named fields of an access-log or syslog line, ``None`` for other text."""
    m = ACCESS.match(line)
    if m is not None:
        request, referer, agent = m.group("request", "referer", "agent")
        out = {"remote": m["remote"], "status": m["status"]}
        if m["user"] != "-":
            out["user"] = m["user"]
        if m["bytes"] != "-":
            out["bytes"] = m["bytes"]
        parts = request.split(" ")
        if len(parts) == 3:
            out["method"], out["path"], out["protocol"] = parts
        elif len(parts) == 2:
            out["method"], out["path"] = parts
        for key, value in (("referer", referer), ("agent", agent)):
            if value and value != "-":
                out[key] = value
        return out
    m = SYSLOG.match(line)
    if m is None:
        return None
    if m["host5"] is not None:
        found = {"host": m["host5"], "program": m["app5"], "pid": m["pid5"], "message": m["msg5"]}
    else:
        found = {
            "host": m["host"],
            "program": m["program"],
            "pid": m["pid"],
            "message": m["message"],
        }
    return {k: v for k, v in found.items() if v and v != "-"}


def fields_of(line: str) -> Mapping[str, Any] | None:
    """The fields of one line as the source sent it (a record's raw original, or its text).

    Returns:
        A JSON object, logfmt pairs, access-log or syslog fields; ``None`` for other text.
    """
    _, payload = split_stamp(line)
    stripped = payload.lstrip()
    if stripped.startswith("{"):
        try:
            obj = json.loads(stripped)
        except (ValueError, RecursionError):
            obj = None
        if isinstance(obj, dict):
            return obj
    elif "=" in payload:
        pairs = parse_logfmt(payload)
        if pairs:
            return pairs
    return text_fields(line)


_MISSING = object()


def field_value(fields: Mapping[str, Any], name: str) -> Any:
    """The value of ``name`` (exact key, then a dotted path), or `MISSING`."""
    value = fields.get(name, _MISSING)
    if value is _MISSING and "." in name:
        value = _dotted(fields, name)
        if value is None:
            return _MISSING
    return value


MISSING = _MISSING
"""What `field_value` returns for a field the record does not have."""
