"""``--since`` / ``--until`` values: a duration back from now or an absolute time
(docs/architecture.md, "Since and until")."""

from __future__ import annotations

import re
import time as _time
from datetime import UTC, datetime

_DURATION = re.compile(r"(?:(\d+(?:\.\d+)?)(ms|s|m|h|d|w))+")
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|s|m|h|d|w)")
_UNIT = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800}
_TIME_OF_DAY = re.compile(r"(\d{1,2}):(\d\d)(?::(\d\d)(?:[.,](\d{1,6}))?)?")


def parse_instant(text: str, utc: bool = False, now: float | None = None) -> float:
    """The epoch meant by ``text``.

    Args:
        text: A duration back from now (``90s``, ``10m``, ``2h``, ``1d``, ``1h30m``), an ISO
            date or date and time (``2026-12-01``, ``2026-12-01T10:00``, with an optional
            ``Z`` or ``+01:00``), or a time of day (``10:00``: today).
        utc: Times without a zone are UTC (``--utc``) rather than local.
        now: The current epoch; defaults to the clock.

    Raises:
        ValueError: with a short phrase for anything else.
    """
    if now is None:
        now = _time.time()
    value = text.strip()
    if _DURATION.fullmatch(value):
        seconds = sum(float(n) * _UNIT[u] for n, u in _PART.findall(value))
        return now - seconds
    zone = UTC if utc else None
    if m := _TIME_OF_DAY.fullmatch(value):
        hh, mm, ss, frac = m.groups()
        day = datetime.fromtimestamp(now, zone)
        try:
            moment = day.replace(
                hour=int(hh),
                minute=int(mm),
                second=int(ss or 0),
                microsecond=int((frac or "0").ljust(6, "0")),
            )
        except ValueError:
            raise ValueError(f"{text!r} is not a time of day") from None
        return moment.timestamp()
    try:
        moment = datetime.fromisoformat(value.replace("z", "Z"))
    except ValueError:
        raise ValueError(
            f"{text!r} is neither a duration (10m, 2h, 1d) nor a time (2026-12-01T10:00, 10:00)"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone) if zone else moment.astimezone()
    return moment.timestamp()
