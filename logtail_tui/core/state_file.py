"""Small choices logtail remembers between runs (the theme), kept apart from the user's config.

One JSON object in ``$XDG_STATE_HOME/logtail/state.json`` (default ``~/.local/state``).
It is a convenience: a missing, unreadable or broken file reads as empty, and a failed
write loses the choice but nothing else. See docs/architecture.md, "Themes".
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path


def state_dir() -> Path:
    """logtail's state directory; relative ``XDG_STATE_HOME`` values are ignored (XDG spec)."""
    base = os.environ.get("XDG_STATE_HOME", "")
    root = Path(base) if os.path.isabs(base) else Path.home() / ".local" / "state"
    return root / "logtail"


def state_path() -> Path:
    """Where the state file lives."""
    return state_dir() / "state.json"


def load_state() -> dict[str, object]:
    """The remembered choices; empty when there are none or the file cannot be read."""
    try:
        data = json.loads(state_path().read_text(encoding="utf-8"))
    except (OSError, ValueError, RuntimeError):  # RuntimeError: no home directory
        return {}
    return data if isinstance(data, dict) else {}


def save_state(**changes: object) -> str | None:
    """Merge ``changes`` into the state file (atomically).

    Returns:
        None when saved, else a sentence saying why not.
    """
    path: Path | str = "the state directory"
    try:
        path = state_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps({**load_state(), **changes}, indent=1, sort_keys=True)
        fd, temp = tempfile.mkstemp(prefix=".state-", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text + "\n")
            os.replace(temp, path)
        except BaseException:
            os.unlink(temp)
            raise
    except (OSError, RuntimeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        return f"Could not remember the choice in {path} ({reason})."
    return None
