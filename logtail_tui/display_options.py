"""Options that choose how and where the TUI is shown: ``--theme`` and ``--serve``.

Declared like those in `option_values` (typed annotations with their parsers); kept apart
so that module stays about what to follow and how to read it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from logtail_tui.core.errors import UsageError

DEFAULT_PORT = 8000
"""Port of ``--serve`` when ``--port`` is not given."""


def parse_port(value: str | int | None) -> int | None:
    if value is None:
        return None
    try:
        port = int(value)
    except ValueError:
        raise UsageError(f"--port takes a number from 0 to 65535, not {value!r}.") from None
    if not 0 <= port <= 65535:
        raise UsageError(f"--port takes a number from 0 to 65535 (0: any free port), not {port}.")
    return port


ThemeOpt = Annotated[
    str | None,
    typer.Option(
        "--theme",
        metavar="NAME",
        help="TUI theme, e.g. logtail-light, logtail-high-contrast, nord (default: the last "
        "one chosen with the palette's Change theme).",
    ),
]

ServeOpt = Annotated[
    bool,
    typer.Option(
        "--serve",
        help="Serve the TUI to a web browser instead (needs logtail-tui[serve]).",
    ),
]

PortOpt = Annotated[
    int | None,
    typer.Option(
        "--port",
        parser=parse_port,
        metavar="N",
        help=f"Port of --serve (default: {DEFAULT_PORT}; 0: any free port).",
    ),
]

HostOpt = Annotated[
    str | None,
    typer.Option(
        "--host",
        metavar="HOST",
        help="Address --serve listens on (default: 127.0.0.1, this machine only).",
    ),
]
