"""``demo:``: realistic mixed traffic so a new user sees every feature with no setup.

Options: ``-o rate=200`` (lines a second, default 12), ``-o count=500`` (end after that many
lines), ``-o seed=7``; the older form ``demo:rate=200,count=500`` still works. With
``--no-follow`` it writes 200 lines and ends.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import AsyncGenerator
from datetime import UTC, datetime

from logtail_tui.sources.contract import (
    LineParser,
    Option,
    Settings,
    Source,
    SourceEvent,
    SourceSpec,
    State,
    StateChanged,
    UsageError,
)

_PATHS = [
    "/api/orders",
    "/api/users/42",
    "/healthz",
    "/api/cart",
    "/static/app.js",
    "/api/search?q=boots",
]
_SERVICES = ["api", "worker", "billing", "auth", "scheduler"]
_USERS = ["alice", "bob", "carol", "dave", "erin"]
_TRACE = [
    "Traceback (most recent call last):",
    '  File "/srv/app/billing/charge.py", line 88, in charge',
    "    receipt = gateway.capture(order.payment_id, amount)",
    '  File "/srv/app/billing/gateway.py", line 41, in capture',
    '    raise GatewayTimeout(f"capture {payment_id} timed out after {self.timeout}s")',
    "billing.gateway.GatewayTimeout: capture pay_8f2c timed out after 5.0s",
]


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class DemoSource(Source):
    description = "built-in generator of realistic mixed logs"
    options = (
        Option("rate", int, 12, "lines a second", minimum=1),
        Option(
            "count",
            int,
            None,
            "end after this many lines (default: never; 200 with --no-follow)",
            minimum=0,
        ),
        Option("seed", int, None, "random seed, for the same lines every run"),
    )

    def __init__(self, spec: SourceSpec, settings: Settings) -> None:
        super().__init__(spec, settings)
        opts = dict(self.opts)
        declared = {opt.name: opt for opt in self.options}
        for part in filter(None, spec.target.replace(",", " ").split()):
            # The older form, options in the target: demo:rate=200,count=5
            key, _, value = part.partition("=")
            try:
                opts[key] = declared[key].parse(value)
            except (KeyError, ValueError):
                raise UsageError(
                    f"demo: takes rate=N, count=N and seed=N, not {part!r}; or use -o rate=N."
                ) from None
        self.rate = opts["rate"]
        self.count = opts["count"] if opts["count"] is not None else (0 if settings.follow else 200)
        self.rng = random.Random(opts["seed"])
        self.parser = LineParser(settings.format, settings.field_map)

    def _line(self, n: int) -> list[str]:
        r = self.rng
        roll = r.random()
        ts = _now()
        if roll < 0.02 and n > 20:
            return [
                f"{ts} ERROR [billing] charge failed for order {r.randint(1000, 9999)}",
                *_TRACE,
            ]
        if roll < 0.30:
            status = r.choices([200, 201, 304, 404, 500], [70, 8, 10, 8, 4])[0]
            ms = r.randint(2, 900)
            level = "ERROR" if status >= 500 else "WARN" if status >= 400 else "INFO"
            return [
                f"{ts} {level} [http] {r.choice(['GET', 'POST', 'PUT'])} {r.choice(_PATHS)} "
                f"{status} {ms}ms user={r.choice(_USERS)}"
            ]
        if roll < 0.55:
            level = r.choices(["debug", "info", "warn", "error"], [20, 60, 14, 6])[0]
            msg = {
                "debug": "cache lookup",
                "info": "job finished",
                "warn": "queue depth high",
                "error": "upstream refused connection",
            }[level]
            obj = {
                "time": ts,
                "level": level,
                "service": r.choice(_SERVICES),
                "msg": msg,
                "duration_ms": r.randint(1, 2000),
                "request_id": f"req-{r.randrange(16**6):06x}",
            }
            return [json.dumps(obj)]
        if roll < 0.70:
            level = r.choices(["debug", "info", "warning"], [30, 60, 10])[0]
            return [
                f'time={ts} level={level} svc=scheduler msg="tick" jobs={r.randint(0, 40)} lag_ms={r.randint(0, 300)}'
            ]
        level = r.choices(
            ["DEBUG", "INFO", "NOTICE", "WARN", "ERROR", "CRITICAL"], [15, 55, 8, 12, 8, 2]
        )[0]
        text = {
            "DEBUG": f"pool stats active={r.randint(0, 20)} idle={r.randint(0, 20)}",
            "INFO": f"user {r.choice(_USERS)} signed in from 10.0.{r.randint(0, 255)}.{r.randint(1, 254)}",
            "NOTICE": "config reloaded (3 changes)",
            "WARN": f"slow query took {r.randint(500, 4000)}ms: SELECT * FROM orders WHERE user_id = ?",
            "ERROR": "payment webhook signature mismatch; request rejected",
            "CRITICAL": "disk /var almost full (97%)",
        }[level]
        return [f"{ts} {level:<8} [{r.choice(_SERVICES)}] {text}"]

    async def events(self) -> AsyncGenerator[SourceEvent]:
        yield StateChanged(State.LIVE, "generating")
        sent = 0
        interval = 1 / self.rate
        next_at = time.monotonic()
        while not self.count or sent < self.count:
            lines: list[str] = []
            now = time.monotonic()
            # Catch up in one batch if we fell behind; bursts are part of realistic traffic.
            while next_at <= now and (not self.count or sent + len(lines) < self.count):
                lines.extend(self._line(sent + len(lines)))
                next_at += interval * self.rng.uniform(0.2, 1.8)
            if lines:
                sent += len(lines)
                yield self.parser.parse(lines)
            if self.settings.follow or (self.count and sent < self.count):
                if not self.settings.follow:
                    next_at = time.monotonic()  # --no-follow: no pacing, just produce
                    continue
                await asyncio.sleep(max(0.0, next_at - time.monotonic()))
        yield StateChanged(State.COMPLETED, f"{sent} lines")
