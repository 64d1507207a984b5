"""Filtering, search, navigation and line actions (issue #4), mixed into the app."""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.widget import Widget


class Interactions:
    """Placeholder until the filter/search widgets land."""

    INTERACTION_BINDINGS: list[Binding] = []

    def init_interactions(self) -> None:
        pass

    def compose_interactions(self) -> Iterable[Widget]:
        return ()

    def after_sync(self) -> None:
        pass

    def search_summary(self) -> str:
        return ""

    def busy_summary(self) -> str:
        return ""
