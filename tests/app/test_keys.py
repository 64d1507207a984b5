"""Keys as the user sees them: the footer's labels and the search counter's words."""

from __future__ import annotations

from support import Feeds, lines, until
from textual.widgets._footer import FooterKey

from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp


def footer_labels(app: LogtailApp) -> dict[str, str]:
    return {key.key: key.description for key in app.query(FooterKey)}


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
