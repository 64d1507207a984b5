"""Every key of the app, declared once (docs/architecture.md, "The keymap").

Textual bindings (app and pane), the command palette, the ``?`` help screen and the
README's key table (``scripts/keys_table.py``) are all generated from `KEYS`, so they
cannot drift apart. Bars and modal screens keep their own few local keys (escape, ctrl+r, ctrl+l).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingType

Scope = Literal["app", "pane", "textual"]
"""Who answers the key: the app, the log pane, or Textual itself (no binding generated)."""

FOLLOW = "Follow and navigate"
FIND = "Filter and search"
LINE = "Line actions"
VIEW = "View"
APP = "App"
GROUPS = (FOLLOW, FIND, LINE, VIEW, APP)
"""Help-screen and README sections, in order."""

_KEY_NAMES = {
    "space": "space",
    "end": "End",
    "home": "Home",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "up": "↑",
    "down": "↓",
    "left": "←",
    "right": "→",
    "slash": "/",
    "question_mark": "?",
    "apostrophe": "'",
    "quotation_mark": '"',
    "left_square_bracket": "[",
    "right_square_bracket": "]",
}


@dataclass(frozen=True, slots=True)
class Key:
    """One key (or several equivalent keys) and what it does.

    Attributes:
        keys: Textual key spec, comma-separated equivalents (``"end,G"``).
        action: Action name; the scope's ``action_<name>`` method answers it.
        group: Help section (one of `GROUPS`).
        help: Help and README text, also the palette's help line; ``None`` when a
            neighbouring entry already describes this key (pause / resume).
        footer: Short label in the footer.
        show: Whether the footer shows it.
        palette: Command palette title; ``None`` keeps it out of the palette.
        scope: Who answers it.
    """

    keys: str
    action: str
    group: str
    help: str | None
    footer: str = ""
    show: bool = False
    palette: str | None = None
    scope: Scope = "app"

    @property
    def display(self) -> str:
        """The keys as a reader types them: ``End, G``."""
        return ", ".join(_KEY_NAMES.get(key, key) for key in self.keys.split(","))

    def binding(self) -> Binding:
        """The Textual binding for this key."""
        # The footer shows one key: the last of several ("end,G" -> G), "/" for slash.
        last = self.keys.split(",")[-1]
        display = _KEY_NAMES.get(last, last) if "," in self.keys or last == "slash" else None
        return Binding(
            self.keys,
            self.action,
            self.footer or self.help or "",
            show=self.show,
            key_display=display,
        )


# One row a key, positional like a table: keys, action, group, help, footer, show, palette.
# fmt: off
KEYS: tuple[Key, ...] = (
    # -- follow and navigate (the pane answers these)
    # One key, two footer labels: the pane disables whichever does not apply (check_action).
    Key("space", "toggle_pause", FOLLOW, "pause / resume following", "Pause", True,
        "Pause / resume", "pane"),
    Key("space", "resume", FOLLOW, None, "Resume", True, scope="pane"),
    Key("end,G", "follow", FOLLOW, "newest line, follow again", "Follow", True, "Follow", "pane"),
    Key("home,g", "top", FOLLOW, "oldest line", "Top", scope="pane"),
    Key("up,k", "cursor_up", FOLLOW, "select the line above (pauses)", "Up", scope="pane"),
    Key("down,j", "cursor_down", FOLLOW, "select the line below", "Down", scope="pane"),
    Key("pageup,b", "page_up", FOLLOW, "page up (scrolling up pauses)", "Page up", scope="pane"),
    Key("pagedown", "page_down", FOLLOW, "page down", "Page down", scope="pane"),
    Key("left", "scroll_left", FOLLOW, "scroll left (long lines)", "Left", scope="pane"),
    Key("right", "scroll_right", FOLLOW, "scroll right (long lines)", "Right", scope="pane"),
    Key("e", "next_error", FOLLOW, "next error-or-worse record", "Next error", True, "Next error"),
    Key("E", "previous_error", FOLLOW, "previous error-or-worse record", "Prev error", False,
        "Previous error"),
    Key("apostrophe", "next_mark", FOLLOW, "next marked line", "Next mark", False, "Next mark"),
    Key("quotation_mark", "previous_mark", FOLLOW, "previous marked line", "Prev mark", False,
        "Previous mark"),
    # -- filter and search
    Key("f", "filter", FIND, "filter bar: include / exclude regexes and levels", "Filter", True,
        "Filter"),
    Key("F", "fields", FIND, "field filter, e.g. status>=500 and path~^/api", "Fields", False,
        "Field filter"),
    Key("l", "cycle_level", FIND, "step the minimum level shown", "Level", True,
        "Cycle minimum level"),
    Key("slash", "search", FIND, "search text or a regex in the whole scrollback", "Search", True,
        "Search"),
    Key("n", "next_match", FIND, "next search match", "Next", False, "Next match"),
    Key("N", "previous_match", FIND, "previous search match", "Prev", False, "Previous match"),
    Key("s", "choose_source", FIND, "show one source or all of them", "Source", False,
        "Choose source"),
    # -- line actions
    Key("enter", "detail", LINE, "record detail: fields, pretty JSON and raw text", "Detail", True,
        "Line detail"),
    Key("y", "copy", LINE, "copy the selected record (OSC 52, works over SSH)", "Copy", False,
        "Copy line"),
    Key("m", "mark", LINE, "mark / unmark the selected line (shown in a gutter)", "Mark", False,
        "Mark line"),
    Key("ctrl+s", "save", LINE, "save the filtered view to a file", "Save", False, "Save view"),
    # -- view
    Key("c", "clear", VIEW, "clear the view (forget every line so far)", "Clear", False,
        "Clear view"),
    Key("w", "wrap", VIEW, "wrap long lines on / off", "Wrap", False, "Toggle wrap"),
    Key("t", "times", VIEW, "timestamps on / off", "Times", False, "Toggle timestamps"),
    Key("M", "merge", VIEW, "merge sources by time on / off", "Merge", False,
        "Toggle merge by time"),
    Key("v", "levels", VIEW, "level words of structured records on / off", "Levels", False,
        "Toggle level words"),
    Key("C", "columns", VIEW, "pick fields shown as columns (per source, for the session)",
        "Columns", False, "Choose columns"),
    Key("T", "timeline", VIEW, "timeline: records per time bucket, by level", "Timeline", False,
        "Toggle timeline"),
    Key("left_square_bracket", "timeline_previous", VIEW, "previous timeline bucket", "Earlier",
        False, "Previous timeline bucket"),
    Key("right_square_bracket", "timeline_next", VIEW, "next timeline bucket", "Later", False,
        "Next timeline bucket"),
    # -- app
    Key("ctrl+p", "command_palette", APP, "command palette", scope="textual"),
    Key("ctrl+l", "redraw", APP, "redraw the screen (after other output broke into it)", "Redraw",
        False, "Redraw screen"),
    Key("question_mark", "help", APP, "this help", "Keys", True),
    Key("q", "quit", APP, "quit (exit status 1 if a source failed)", "Quit", True),
)
# fmt: on


def bindings(scope: Scope) -> list[BindingType]:
    """Textual bindings for the keys ``scope`` answers."""
    return [key.binding() for key in KEYS if key.scope == scope]


def palette(scope: Scope) -> Iterator[Key]:
    """Keys of ``scope`` that the command palette offers."""
    return (key for key in KEYS if key.scope == scope and key.palette)


def help_rows() -> Iterator[tuple[str, list[tuple[str, str]]]]:
    """``(group, [(keys, help), ...])`` for each group, in `GROUPS` order."""
    for group in GROUPS:
        yield group, [(key.display, key.help) for key in KEYS if key.group == group and key.help]


def markdown_table() -> str:
    """The README's key table (between ``<!-- keys:start -->`` and ``<!-- keys:end -->``)."""
    out = ["| task | key | action |", "|---|---|---|"]
    for group, rows in help_rows():
        for n, (keys, text) in enumerate(rows):
            shown = ", ".join(f"`{k}`" for k in keys.split(", "))
            out.append(f"| {group if n == 0 else ''} | {shown} | {text} |")
    return "\n".join(out) + "\n"
