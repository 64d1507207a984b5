"""Times found in log lines, as epoch seconds, and shown in one zone.

`parse_time` reads the time a text line starts with (after an optional ``<PRI>`` or
``[``) in the common layouts:

- ISO 8601 / RFC 3339 with ``T`` or a space, ``-`` or ``/`` in the date, a ``.`` or ``,``
  fraction (Python logging, log4j, Zookeeper), ``Z``, an offset or none; also as the
  second token (OpenStack's ``file.log 2026-12-01 02:35:16.008``);
- syslog ``Dec  1 02:35:16`` and glog ``I1201 02:35:16.123456``, Android ``12-01
  02:35:16.123``, Proxifier ``[12.01 02:35:16]`` (no year: see below);
- Apache error logs ``[Tue Dec 01 02:35:16.123 2026]``; access logs
  ``host ident user [01/Dec/2026:02:35:16 +0000]``;
- HDFS ``261201 023516``, Spark/Hadoop ``26/12/01 02:35:16``, HealthApp
  ``20261201-02:35:16:123``, BGL/Thunderbird ``- 1764556516 2026.12.01 ...`` and HPC
  (epoch seconds as a field), and ``1764556516.123`` epoch prefixes (squid).

A time without a zone is local time. A time without a year gets the current one, or the
previous one when that would put it more than a day in the future (a December log read in
January). One compiled, anchored regular expression per line; calendar work is cached per
minute, so bulk parsing (`parse_times`) stays cheap.

`format_epoch` shows an epoch in one zone, local by default or UTC, always with the zone
(``+01:00``, ``Z``) so mixed sources line up; `format_time` does that to a record's time
text (its fraction as written) and leaves text it cannot read as it was (the record
keeps the original).
"""

from __future__ import annotations

import re
import time as _time
from datetime import date
from functools import cache, lru_cache

_MONTHS = {m: i for i, m in enumerate(
    ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
)}  # fmt: skip
_MON = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DAY = r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)"
_HMS = r"(\d\d):(\d\d):(\d\d)"
_FRAC = r"(?:[.,](\d{1,9}))?"
_ZONE = r"(Z|[+-]\d\d(?::?\d\d)?(?!\d)|\ [+-]\d{4}(?!\d))?"
_ISO = rf"(\d{{4}})[-/](\d\d)[-/](\d\d)[T\ ]{_HMS}{_FRAC}{_ZONE}"

_PATTERN_TEXT = rf"""\s*+(?:<\d{{1,3}}>(?:1\ )?)?\[?(?:
        (?P<iso>{_ISO})
      | (?P<syslog>{_MON}\ \ ?(\d\d?)\ {_HMS}{_FRAC})
      | (?P<apache>{_DAY}\ {_MON}\ (\d\d)\ {_HMS}{_FRAC}\ (\d{{4}}))
      | (?P<clf>(\d\d)/{_MON}/(\d{{4}}):{_HMS}\ ([+-]\d{{4}}))
      | (?P<hdfs>(\d\d)(\d\d)(\d\d)\ (\d\d)(\d\d)(\d\d))(?=\s)
      | (?P<yymmdd>(\d\d)/(\d\d)/(\d\d)\ {_HMS}{_FRAC})
      | (?P<health>(\d{{4}})(\d\d)(\d\d)-(\d\d?):(\d\d?):(\d\d?):(\d{{1,3}}))
      | (?P<android>(\d\d)-(\d\d)\ +{_HMS}{_FRAC})
      | (?P<proxifier>(\d\d)\.(\d\d)\ {_HMS})\]
      | [IWEF](?P<glog>(\d\d)(\d\d)\ {_HMS}{_FRAC})
      | (?P<epoch>(\d{{10}})\.(\d{{1,6}}))(?=\s)
      | [-A-Z][-A-Z]*+\ (?P<bgl>(\d{{10}}))\ \d{{4}}\.\d\d\.\d\d[\ ]
      | \d++\ \S++\ \S++\ \S++\ (?P<hpc>(\d{{10}}))\ -?\d[\ ]
      | \S++\ \[?(?P<iso2>{_ISO})
      | \S++\ \S++\ \S++\ \[(?P<clf2>(\d\d)/{_MON}/(\d{{4}}):{_HMS}\ ([+-]\d{{4}}))\]
    )"""
"""Each alternative is one named group; the groups inside it are read by position."""


@cache
def _pattern() -> re.Pattern[str]:
    # Compiled on first use, not at import: ~3 ms of every start, and plain text lines
    # printed without --since never read a time.
    return re.compile(_PATTERN_TEXT, re.VERBOSE)


def parse_time(line: str, now: float | None = None) -> tuple[float | None, tuple[int, int]]:
    """The time a line starts with.

    Args:
        line: A log line (or a record's time field).
        now: The current epoch, to infer a missing year; defaults to the clock.

    Returns:
        ``(epoch_seconds, (start, end))`` with the time's span in ``line``, or
        ``(None, (0, 0))`` when the line starts with no time we know.
    """
    _follow_zone()
    m = _pattern().match(line)
    if m is None:
        return None, (0, 0)
    epoch = _convert(m, now)
    return (epoch, m.span(m.lastgroup)) if epoch is not None else (None, (0, 0))  # type: ignore[arg-type]


def parse_times(lines: list[str], now: float | None = None) -> list[float | None]:
    """`parse_time`'s epochs for a batch of lines (``None`` where a line has none)."""
    if now is None:
        now = _time.time()
    _follow_zone()
    convert = _convert
    return [convert(m, now) if m else None for m in map(_pattern().match, lines)]


def _convert(m: re.Match[str], now: float | None) -> float | None:
    kind = m.lastgroup
    base = m.re.groupindex[kind]  # type: ignore[index]
    g = m.groups()[base : base + 9]  # the alternative's own groups, in order
    try:
        if kind in ("iso", "iso2"):
            return _epoch(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7])
        if kind == "syslog":
            return _yearless(g[0], g[1], g[2], g[3], g[4], g[5], now)
        if kind == "apache":
            return _epoch(g[6], g[0], g[1], g[2], g[3], g[4], g[5], None)
        if kind in ("clf", "clf2"):
            return _epoch(g[2], g[1], g[0], g[3], g[4], g[5], None, g[6])
        if kind == "hdfs" or kind == "yymmdd":
            return _epoch("20" + g[0], g[1], g[2], g[3], g[4], g[5], g[6], None)
        if kind == "health":
            return _epoch(g[0], g[1], g[2], g[3], g[4], g[5], g[6].zfill(3), None)
        if kind in ("android", "glog"):
            return _yearless(g[0], g[1], g[2], g[3], g[4], g[5], now)
        if kind == "proxifier":
            return _yearless(g[0], g[1], g[2], g[3], g[4], None, now)
        if kind == "epoch":
            return int(g[0]) + int(g[1]) / 10 ** len(g[1])
        return float(g[0])  # bgl, hpc: epoch seconds
    except (ValueError, OverflowError):  # 2026-02-30, hour 25...
        return None


_MINUTES: dict[tuple[str | int, str, str, str, str, str | None], float] = {}
"""Epoch of each minute seen, by its text: most lines of a log share their minute."""


def _epoch(
    year: str | int,
    month: str,
    day: str,
    hh: str,
    mm: str,
    ss: str,
    fraction: str | None,
    zone: str | None,
) -> float:
    """Raises ValueError for a date or time that does not exist."""
    key = (year, month, day, hh, mm, zone)
    minute = _MINUTES.get(key)
    if minute is None:
        minute = _minute(int(year), _MONTHS.get(month) or int(month), int(day), hh, mm, zone)
        if len(_MINUTES) >= 4096:
            _MINUTES.clear()
        _MINUTES[key] = minute
    s = int(ss)
    if s > 60:
        raise ValueError(ss)
    if fraction:
        return minute + s + int(fraction) / 10 ** len(fraction)
    return minute + s


def _minute(year: int, month: int, day: int, hh: str, mm: str, zone: str | None) -> float:
    h, mi = int(hh), int(mm)
    if h > 23 or mi > 59:
        raise ValueError(f"{hh}:{mm}")
    if zone is None:
        # Local time: mktime knows the zone's offset then, daylight saving included.
        return _local_hour(year, month, day, h) + mi * 60
    return _utc_day(year, month, day) + h * 3600 + mi * 60 - _offset(zone)


def _yearless(
    month: str, day: str, hh: str, mm: str, ss: str, fraction: str | None, now: float | None
) -> float:
    if now is None:
        now = _time.time()
    year = _this_year(now)
    epoch = _epoch(year, month, day, hh, mm, ss, fraction, None)
    if epoch > now + 86_400:
        epoch = _epoch(year - 1, month, day, hh, mm, ss, fraction, None)
    return epoch


_zone_seen: tuple[str, str] = _time.tzname


def _follow_zone() -> None:
    """Forget cached local times when the process changed its zone (``TZ`` + ``tzset``)."""
    global _zone_seen
    if _time.tzname != _zone_seen:
        _zone_seen = _time.tzname
        _MINUTES.clear()
        _local_hour.cache_clear()
        _second.cache_clear()
        _shift.cache_clear()
        _this_year.cache_clear()


@lru_cache(maxsize=16)
def _this_year(now: float) -> int:
    return _time.localtime(now).tm_year


@lru_cache(maxsize=1024)
def _utc_day(year: int, month: int, day: int) -> int:
    return (date(year, month, day).toordinal() - _EPOCH_ORDINAL) * 86_400


@lru_cache(maxsize=4096)
def _local_hour(year: int, month: int, day: int, hour: int) -> float:
    date(year, month, day)  # raises ValueError for a day that does not exist
    return _time.mktime((year, month, day, hour, 0, 0, 0, 0, -1))


@lru_cache(maxsize=64)
def _offset(zone: str) -> int:
    zone = zone.strip()
    if zone == "Z":
        return 0
    digits = zone[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + (int(digits[2:4]) if len(digits) > 2 else 0)
    return (-60 if zone[0] == "-" else 60) * minutes


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_FRACTION = re.compile(r":\d\d[.,](\d+)")


def format_epoch(epoch: float, utc: bool = False, digits: int = 3) -> str:
    """``2026-12-01T03:35:16.123+01:00`` (local) or ``2026-12-01T02:35:16.123Z`` (``utc``).

    RFC 3339 throughout, so a UTC source shown with ``utc`` reads exactly as it was written.

    Args:
        epoch: Seconds since 1970 (UTC).
        utc: Show UTC instead of the local zone.
        digits: Fraction digits, 0 to 6.
    """
    _follow_zone()
    whole = int(epoch // 1)
    text, zone = _second(whole, utc)
    if digits:
        micros = round((epoch - whole) * 1_000_000)
        text += f".{min(micros, 999_999):06d}"[: digits + 1]
    return text + zone


@lru_cache(maxsize=4096)
def _second(seconds: int, utc: bool) -> tuple[str, str]:
    # Records arrive many to a second: each second is formatted once.
    t = _time.gmtime(seconds) if utc else _time.localtime(seconds)
    text = _time.strftime("%Y-%m-%dT%H:%M:%S", t)
    if utc:
        return text, "Z"
    off = t.tm_gmtoff // 60
    sign = "-" if off < 0 else "+"
    return text, f"{sign}{abs(off) // 60:02d}:{abs(off) % 60:02d}"


def format_time(text: str, utc: bool = False) -> str:
    """A record's time text shown in one zone (see `format_epoch`); unreadable text as is.

    The fraction keeps the digits the original has (at most 6 for layouts other than
    RFC 3339).
    """
    if len(text) >= 19 and text[10] in "T " and text[4] == "-":
        # The common RFC 3339 shape, once per record, in string operations: the zone only
        # moves whole seconds, so each second is converted once (cached) and the fraction
        # carried over as written.
        rest = text[19:]
        digits = ""
        if rest[:1] in (".", ","):
            zone = rest[1:].lstrip("0123456789")
            digits = rest[1 : len(rest) - len(zone)]
            rest = zone
        shown = _shift(text[:19], rest, utc)
        if shown is not None and (digits or text[19:20] not in (".", ",")):
            return f"{shown[0]}.{digits}{shown[1]}" if digits else "".join(shown)
    epoch, (start, end) = parse_time(text)
    if epoch is None or text[end:].strip():
        return text  # not a time, or a time followed by something else: show what came
    found = _FRACTION.search(text, start, end)
    digits = min(len(found[1]), 6) if found else 0
    return format_epoch(epoch, utc, digits)


@lru_cache(maxsize=4096)
def _shift(second: str, zone: str, utc: bool) -> tuple[str, str] | None:
    """``second`` (``2026-12-01T02:35:16``) in ``zone`` (``""``, ``Z``, ``+01:00``) as
    `_second` shows it, ``None`` unless the two make exactly one time."""
    text = second + zone
    epoch, (_, end) = parse_time(text)
    return None if epoch is None or end != len(text) else _second(int(epoch), utc)
