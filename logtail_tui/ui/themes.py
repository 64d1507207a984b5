"""Colours of the pane and the status bar, derived from whichever Textual theme is active.

Every colour logtail paints is a CSS variable (``$log-error``, ``$status-live``...). A theme
may set any of them in its ``variables``; the rest are derived from the theme's own palette
(``$error``, ``$warning``...) and, where that would be hard to read on the pane's background,
lightened or darkened until it meets a minimum contrast. So every Textual theme works, the
palette's "Change theme" applies live, and logtail's own themes pin exact colours.
See docs/architecture.md, "Themes".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual.color import Color, ColorParseError
from textual.theme import BUILTIN_THEMES, Theme

from logtail_tui.core.errors import UsageError

DEFAULT_THEME = "textual-dark"
"""The theme when neither ``--theme`` nor a remembered choice picks one."""

READABLE = 3.0
"""Least contrast (WCAG ratio) of a derived text colour against its background: the
level of large text and interface parts, so derived colours stay close to the theme's."""


@dataclass(frozen=True, slots=True)
class Derived:
    """How one logtail variable is derived from a theme's generated variables."""

    base: str
    """The theme variable it starts from, e.g. ``error``."""
    alpha: int = 100
    """Opacity in percent, blended over what is under it."""
    on: str | None = "surface"
    """The variable it is read against, checked for contrast; ``None`` for backgrounds.
    A background of logtail's own (``log-match-background``) is itself painted on ``under``."""
    under: str = "surface"
    """What ``on`` is painted over when it is not opaque."""


DERIVED: dict[str, Derived] = {
    # Backgrounds first: text colours below are checked against them.
    "log-critical-background": Derived("error", 60, on=None),
    "log-match-background": Derived("warning", 70, on=None),
    "log-cursor-background": Derived("primary", 35, on=None),
    "status-paused-background": Derived("warning", on=None),
    "status-following-background": Derived("success", 60, on=None),
    # The pane (background $surface).
    "log-trace": Derived("foreground", 45),
    "log-debug": Derived("foreground", 60),
    "log-info": Derived("foreground"),
    "log-notice": Derived("success"),
    "log-warning": Derived("warning"),
    "log-error": Derived("error"),
    "log-critical": Derived("text", on=None),  # "auto": Textual picks black or white
    "log-time": Derived("primary-lighten-2"),
    "log-source-0": Derived("secondary"),
    "log-source-1": Derived("accent"),
    "log-source-2": Derived("success-lighten-1"),
    "log-source-3": Derived("primary-lighten-3"),
    "log-source-4": Derived("warning-lighten-2"),
    "log-source-5": Derived("secondary-lighten-3"),
    "log-match": Derived("background", on="log-match-background"),
    # The status bar (background $panel).
    "status-live": Derived("success", on="panel"),
    "status-waiting": Derived("foreground", 60, on="panel"),
    "status-retrying": Derived("warning", on="panel"),
    "status-completed": Derived("primary-lighten-2", on="panel"),
    "status-failed": Derived("error", on="panel"),
    "status-paused": Derived("background", on="status-paused-background", under="panel"),
    "status-following": Derived("background", on="status-following-background", under="panel"),
}
"""Every colour variable logtail's CSS uses, and where each comes from."""


def opaque(expression: str, under: Color) -> Color | None:
    """A CSS colour expression (``#E0E0E0`` or ``#E0E0E0 45%``) as painted over ``under``.

    None for ANSI or unparsable colours: a terminal's own palette is its own business.
    """
    value, _, percent = expression.partition(" ")
    try:
        color = Color.parse(value)
        alpha = float(percent.rstrip("%")) / 100 if percent else 1.0
    except (ColorParseError, ValueError):
        return None
    if color.ansi is not None or under.ansi is not None or under.a < 1:
        return None
    return under + color.multiply_alpha(alpha)


def luminance(color: Color) -> float:
    """WCAG relative luminance of an opaque colour (0 black to 1 white)."""

    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(color.r) + 0.7152 * channel(color.g) + 0.0722 * channel(color.b)


def contrast(one: Color, other: Color) -> float:
    """WCAG contrast ratio of two opaque colours, from 1 (none) to 21 (black on white)."""
    high, low = sorted((luminance(one), luminance(other)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable(color: Color, background: Color, minimum: float = READABLE) -> Color:
    """``color`` moved towards white or black, as little as needed to reach ``minimum``."""
    if contrast(color, background) >= minimum:
        return color
    target = Color(0, 0, 0) if luminance(background) > 0.18 else Color(255, 255, 255)
    for step in range(1, 21):
        moved = color.blend(target, step / 20)
        if contrast(moved, background) >= minimum:
            return moved
    return target


def derive(variables: Mapping[str, str]) -> dict[str, str]:
    """The logtail variables that ``variables`` (a theme's, generated) do not set.

    A derived colour keeps the theme's own expression (``#E0E0E0 45%``) when it is readable
    as is, so a theme looks exactly as its author made it; otherwise it becomes the nearest
    readable opaque colour.
    """
    derived: dict[str, str] = {}
    for name, how in DERIVED.items():
        if name in variables:
            continue
        value = variables[how.base]
        expression = value if how.alpha == 100 else f"{value} {how.alpha}%"
        derived[name] = expression
        if how.on is None:
            continue
        known = {**variables, **derived}
        try:
            under = Color.parse(known[how.under])
        except ColorParseError:
            continue
        background = opaque(known[how.on], under)
        color = opaque(expression, background) if background is not None else None
        if background is not None and color is not None and contrast(color, background) < READABLE:
            derived[name] = readable(color, background).hex
    return derived


def theme_variables(theme: Theme) -> dict[str, str]:
    """All CSS variables of ``theme`` as the app sees them, logtail's included."""
    variables = {**theme.to_color_system().generate(), **theme.variables}
    return {**derive(variables), **variables}


LOGTAIL_THEMES: dict[str, Theme] = {
    "logtail-light": Theme(
        name="logtail-light",
        primary="#1F5FA8",
        secondary="#6A3D9A",
        accent="#A8550F",
        warning="#8A5300",
        error="#B3132B",
        success="#1E7436",
        foreground="#1C1C1C",
        background="#F4F4F2",
        surface="#FFFFFF",
        panel="#E3E6EA",
        dark=False,
        variables={
            "log-trace": "#6F6F6F",
            "log-debug": "#545454",
            "log-critical": "#FFFFFF",
            "log-critical-background": "#B3132B",
            "log-time": "#365A85",
            "log-source-0": "#6A3D9A",
            "log-source-1": "#9C4A0B",
            "log-source-2": "#1E7436",
            "log-source-3": "#1F5FA8",
            "log-source-4": "#7A5C00",
            "log-source-5": "#8E2F6F",
            "log-match": "#1C1C1C",
            "log-match-background": "#FFD966",
            "log-cursor-background": "#D6E6FA",
            "status-waiting": "#4A4A4A",
            "status-paused": "#FFFFFF",
            "status-following": "#FFFFFF",
            "status-paused-background": "#8A5300",
            "status-following-background": "#1E7436",
            "status-completed": "#1F5FA8",
            "footer-key-foreground": "#1F5FA8",
        },
    ),
    "logtail-high-contrast": Theme(
        name="logtail-high-contrast",
        primary="#5CC8FF",
        secondary="#D7A6FF",
        accent="#FFD24D",
        warning="#FFD24D",
        error="#FF8F8F",
        success="#5FF08A",
        foreground="#FFFFFF",
        background="#000000",
        surface="#000000",
        panel="#1A1A1A",
        variables={
            "log-trace": "#B8B8B8",
            "log-debug": "#D6D6D6",
            "log-info": "#FFFFFF",
            "log-critical": "#FFFFFF",
            "log-critical-background": "#A30000",
            "log-time": "#8FD8FF",
            "log-source-0": "#D7A6FF",
            "log-source-1": "#FFD24D",
            "log-source-2": "#5FF08A",
            "log-source-3": "#5CC8FF",
            "log-source-4": "#FFB070",
            "log-source-5": "#FF9BD2",
            "log-match": "#000000",
            "log-match-background": "#FFFF00",
            "log-cursor-background": "#303030",
            "status-waiting": "#D6D6D6",
            "status-completed": "#8FD8FF",
            "status-paused": "#000000",
            "status-following": "#000000",
            "status-following-background": "#5FF08A",
            "input-cursor-background": "#FFFFFF",
            "input-cursor-foreground": "#000000",
        },
    ),
}
"""logtail's own themes: a readable light one and a high-contrast one (WCAG AAA text)."""

THEME_NAMES = frozenset(BUILTIN_THEMES) | frozenset(LOGTAIL_THEMES)
"""Every theme ``--theme`` accepts."""


def check_theme(name: str | None) -> None:
    """Raise `UsageError` unless ``name`` is None or a theme logtail knows."""
    if name is not None and name not in THEME_NAMES:
        choices = ", ".join(sorted(THEME_NAMES))
        raise UsageError(f"Unknown theme {name!r}: choose one of {choices}.")
