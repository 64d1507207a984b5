"""``logtail --serve``: the same TUI in web browsers, through textual-serve.

The server runs no app itself: each browser session starts ``python -m logtail_tui`` with
the original command line in the environment (``LOGTAIL_SERVE_ARGV``), never on the command
line, so tokens stay out of ``ps`` and out of textual-serve's log. It binds 127.0.0.1 by
default (reach it through an SSH tunnel) and refuses requests whose Host or Origin is not
this server, so no other web page the browser has open can drive it.
See docs/architecture.md, "Serving in a browser".
"""

from __future__ import annotations

import errno
import ipaddress
import json
import os
import shlex
import socket
import sys
from collections.abc import Sequence

from logtail_tui.core.errors import LogtailError

ARGV_ENV = "LOGTAIL_SERVE_ARGV"
"""The environment variable that hands the command line to each browser session."""
LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


def take_served_argv() -> list[str] | None:
    """In a browser session's process: the command line to run (and forget it).

    Only ``python -m logtail_tui`` with no arguments reads it, and it leaves the environment
    so that commands logtail runs (``cmd:`` sources) never inherit it.
    """
    if sys.argv[1:] or ARGV_ENV not in os.environ:
        return None
    try:
        argv = json.loads(os.environ.pop(ARGV_ENV))
    except ValueError:
        return None
    return [str(arg) for arg in argv] if isinstance(argv, list) else None


def _bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port``; one sentence when that is impossible."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise LogtailError(
            f"Cannot serve on {host!r}: no such address; try --host 127.0.0.1."
        ) from None
    family, kind, proto, _, address = infos[0]
    sock = socket.socket(family, kind, proto)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        sock.close()
        where = f"{host} port {port}"
        if exc.errno == errno.EADDRINUSE:
            raise LogtailError(
                f"Port {port} is in use on {host}: choose another with --port N (0: any free port)."
            ) from None
        raise LogtailError(
            f"Cannot serve on {where} ({exc.strerror}): choose another --port or --host."
        ) from None
    sock.set_inheritable(False)
    return sock


def _is_wildcard(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _url_host(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def serve(argv: Sequence[str], host: str, port: int) -> int:
    """Serve the TUI of ``logtail ARGV...`` on ``host``:``port`` until interrupted.

    Returns:
        The exit status (0 after Ctrl+C or SIGTERM).

    Raises:
        LogtailError: textual-serve is not installed, or the address cannot be bound.
    """
    try:
        from logtail_tui.ui.serve_app import run_server
    except ImportError:
        raise LogtailError(
            "Serving in a browser needs textual-serve: pip install 'logtail-tui[serve]'."
        ) from None
    sock = _bind(host, port)
    port = sock.getsockname()[1]
    public = socket.gethostname() if _is_wildcard(host) else host
    url = f"http://{_url_host(public)}:{port}"
    os.environ[ARGV_ENV] = json.dumps(list(argv))
    command = f"{shlex.quote(sys.executable)} -m logtail_tui"
    allowed = None if _is_wildcard(host) else LOOPBACK_NAMES | {host.lower()}
    print(f"logtail: serving on {url} (Ctrl+C stops).", flush=True)
    if host.lower() in LOOPBACK_NAMES:
        print(
            f"From another machine: ssh -N -L {port}:{_url_host(host)}:{port} THIS-HOST, "
            f"then open http://localhost:{port} there.",
            flush=True,
        )
    else:
        print("Anyone who can reach this address can read these logs.", flush=True)
    try:
        run_server(command, sock, url, allowed)
    finally:
        os.environ.pop(ARGV_ENV, None)
    return 0
