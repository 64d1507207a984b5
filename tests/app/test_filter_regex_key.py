"""ctrl+r in the filter bar toggles regex (as in the search bar) instead of clearing the filter;
ctrl+l clears it."""

from __future__ import annotations

from support import Feeds, lines, until
from textual.widgets import Checkbox

from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp

TEXTS = ["INFO id a.c", "INFO id abc", "INFO id a+c", "INFO id aac", "INFO other"]


async def test_ctrl_r_makes_the_patterns_plain_text_and_back() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]

    def shown() -> list[str]:
        return [app.store.text(n) for n in app.view]

    async with app.run_test(size=(100, 30)) as pilot:
        await feeds[0].put(lines(*TEXTS))
        await until(lambda: app.store.received == len(TEXTS))
        await pilot.press("f", *"a.c")
        await until(lambda: shown() == TEXTS[:4])  # a regex: "." is any character
        await pilot.press("ctrl+r")
        await until(lambda: shown() == TEXTS[:1])  # plain text: only "a.c" itself
        assert app.filter_bar.query_one("#filter-regex", Checkbox).value is False
        assert app.filter_bar.query_one("#filter-include").value == "a.c"  # type: ignore[attr-defined]
        # A pattern that is no valid regex is fine as plain text.
        await pilot.press("ctrl+u", *"a+c(")
        await until(lambda: shown() == [] and app.filter_bar.error is None)
        await pilot.press("backspace")
        await until(lambda: shown() == TEXTS[2:3])
        await pilot.press("ctrl+r")  # back to a regex: "a+c" is one or more "a", then "c"
        await until(lambda: shown() == TEXTS[3:4] and app.filter_bar.error is None)
        await pilot.press("ctrl+l")
        await until(lambda: shown() == TEXTS)
