"""``logtail --serve``: time from a browser session's WebSocket opening to the TUI's first frame.

Starts ``logtail --serve --port 0 demo:``, then opens sessions one after another as the page
script does (size in the query, then a resize message) and times the arrival of the status
bar's source label, i.e. a whole first frame. Each session is a new app process.

Run: python scripts/bench_serve.py [--sessions 10]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import signal
import statistics
import subprocess
import sys
import time

import websockets

LABEL = b"demo:seed=7"


async def first_frame(ws_url: str) -> float:
    """Seconds from opening a session to the first frame showing the source label."""
    start = time.perf_counter()
    async with websockets.connect(f"{ws_url}?width=120&height=40", max_size=None) as ws:
        await ws.send(json.dumps(["resize", {"width": 120, "height": 40}]))
        received = b""
        while LABEL not in received:
            message = await ws.recv()
            received += message if isinstance(message, bytes) else message.encode()
        elapsed = time.perf_counter() - start
        await ws.send(json.dumps(["stdin", "q"]))
        await ws.wait_closed()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    args = parser.parse_args()
    server = subprocess.Popen(
        [sys.executable, "-m", "logtail_tui", "--serve", "--port", "0", "demo:seed=7"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        match = re.search(r"http://([\d.]+:\d+)", server.stdout.readline())
        assert match, "the server printed no URL"
        ws_url = f"ws://{match.group(1)}/ws"
        times = [asyncio.run(first_frame(ws_url)) for _ in range(args.sessions)]
    finally:
        server.send_signal(signal.SIGINT)
        server.wait(timeout=30)
    ms = sorted(t * 1000 for t in times)
    print(
        f"first frame of a browser session, {len(ms)} sessions: median {statistics.median(ms):.0f} ms, "
        f"min {ms[0]:.0f} ms, max {ms[-1]:.0f} ms"
    )


if __name__ == "__main__":
    main()
