"""Keys as the user sees them: the footer's labels and the search counter's words."""

from __future__ import annotations

from support import Feeds, lines, until

from logtail_tui.core.record import Level
from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp
from logtail_tui.ui.key_footer import KeyFooter


def footer_labels(app: LogtailApp) -> dict[str, str]:
    return app.query_one(KeyFooter).labels()


async def test_footer_says_pause_while_following_and_resume_while_paused() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(140, 20)) as pilot:
        await feeds[0].put(lines(*(f"line {i}" for i in range(50))))
        await until(lambda: app.store.received == 50)
        await until(lambda: footer_labels(app).get("space") == "Pause")
        await pilot.press("space")
        assert not app.pane.following
        await until(lambda: footer_labels(app).get("space") == "Resume")
        await pilot.press("space")
        assert app.pane.following
        await until(lambda: footer_labels(app).get("space") == "Pause")


async def test_one_match_is_singular() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(140, 20)) as pilot:
        await feeds[0].put(lines("a needle here", "hay", "hay", "two needles", "needles again"))
        await until(lambda: app.store.received == 5)
        await pilot.press("slash", *"here")  # typed, not submitted: the cursor stays put
        await until(lambda: "search 1 match" in app.status.plain_text())
        assert "1 matches" not in app.status.plain_text()
        await pilot.press("ctrl+u", *"needles")
        await until(lambda: "search 2 matches" in app.status.plain_text())


async def test_no_key_typed_right_after_opening_a_bar_is_lost() -> None:
    from textual.widgets import Input

    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(level=Level.WARNING), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(140, 20)) as pilot:
        await feeds[0].put(lines("a needle here", "hay"))
        await until(lambda: app.store.received == 2)
        await pilot.press("f", *"needle")  # typed the moment the bar is asked for
        assert app.query_one("#filter-include", Input).value == "needle"
        assert app.query_one("#filter-level").value == app.view.filter.level  # type: ignore[attr-defined]
        await pilot.press("escape", "slash", *"hay")
        assert app.query_one("#search-input", Input).value == "hay"


async def test_keys_in_one_burst_with_the_one_opening_a_bar_reach_its_input() -> None:
    """Pasted, or typed while the app is busy: the whole burst is in the queue before ``f``
    runs, and was routed to the log pane (``b`` ``o`` ``m`` as its commands)."""
    from textual import events
    from textual.widgets import Input

    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(140, 20)) as pilot:
        await feeds[0].put(lines(*(f"line {i}" for i in range(50)), "boom"))
        await until(lambda: app.store.received == 51)
        for key in ["f", *"boom"]:
            app.post_message(events.Key(key, key))
        await until(lambda: app.query_one("#filter-include", Input).value == "boom")
        await until(lambda: len(app.view) == 1)
        assert app.pane.following  # b (page up) would have paused it
        await pilot.press("escape")
        assert app.focused is app.pane
        for key, char in [("slash", "/"), *zip("line", "line", strict=True), ("space", " ")]:
            app.post_message(events.Key(key, char))
        await until(lambda: app.query_one("#search-input", Input).value == "line ")
        assert app.pane.following  # space would have paused it


async def test_a_search_typed_and_submitted_in_one_burst_jumps_to_its_match() -> None:
    """``/word`` and Enter in one go (a paste, or keys typed while busy): Enter and Backspace
    run where the letters before them went, after them, so the search is the whole word and
    the follower lands on the newest match."""
    from textual import events
    from textual.widgets import Input

    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    texts = [f"line {i}" for i in range(200)]
    texts[20], texts[150] = "an old needle", "a newer needle"
    async with app.run_test(size=(140, 20)):
        await feeds[0].put(lines(*texts))
        await until(lambda: app.store.received == 200)
        assert app.pane.following
        keys = [("slash", "/"), *zip("needlx", "needlx", strict=True), ("backspace", None)]
        for key, char in [*keys, ("e", "e"), ("enter", "\r")]:
            app.post_message(events.Key(key, char))
        search = app.query_one("#search-input", Input)
        await until(lambda: app.pane.cursor == 150, describe=lambda: repr(search.value))
        assert app.searching.index is not None and len(app.searching.index) == 2
        assert search.value == "needle"
        assert not app.pane.following and app.focused is app.pane
        assert "search 2/2" in app.status.plain_text()


async def test_a_click_on_a_footer_key_presses_it() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(140, 20)) as pilot:
        await feeds[0].put(lines(*(f"line {i}" for i in range(50))))
        await until(lambda: app.store.received == 50)
        footer = app.query_one(KeyFooter)
        await until(lambda: footer_labels(app).get("space") == "Pause")
        await pilot.pause()
        spans = {binding.description: (start, end) for start, end, binding, _ in footer._spans}
        start, end = spans["Pause"]
        assert footer.render().plain[start:end] == " space Pause "
        await pilot.click(KeyFooter, offset=(start + 2, 0))
        await until(lambda: not app.pane.following)
        await until(lambda: footer_labels(app).get("space") == "Resume")
        start, _ = spans["Search"]
        await pilot.click(KeyFooter, offset=(start + 1, 0))
        await until(lambda: app.search_bar.is_open)
