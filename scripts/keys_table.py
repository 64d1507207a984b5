"""Print the README's key table from the keymap; ``--write`` updates README.md in place.

The table sits between ``<!-- keys:start -->`` and ``<!-- keys:end -->``; a test fails
when the README and the keymap (logtail_tui/ui/keymap.py) disagree.
"""

from __future__ import annotations

import sys
from pathlib import Path

from logtail_tui.ui.keymap import markdown_table

START, END = "<!-- keys:start -->", "<!-- keys:end -->"
README = Path(__file__).resolve().parent.parent / "README.md"


def with_table(readme: str) -> str:
    """``readme`` with the text between the markers replaced by the current table."""
    head, _, rest = readme.partition(START)
    _, _, tail = rest.partition(END)
    return f"{head}{START}\n{markdown_table()}{END}{tail}"


def main() -> None:
    if "--write" in sys.argv[1:]:
        README.write_text(with_table(README.read_text(encoding="utf-8")), encoding="utf-8")
    else:
        sys.stdout.write(markdown_table())


if __name__ == "__main__":
    main()
