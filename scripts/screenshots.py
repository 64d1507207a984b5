"""Regenerate screenshots/*.svg from the real app with Textual's own SVG export.

Run: python scripts/screenshots.py
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from logtail_tui.core.settings import Settings
from logtail_tui.sources import registry
from logtail_tui.ui.app import LogtailApp

OUT = Path(__file__).resolve().parent.parent / "screenshots"


async def shoot(
    name: str, keys: list[str], source: str = "demo:rate=400,count=300,seed=11", **kw: object
) -> None:
    settings = Settings(**kw)  # type: ignore[arg-type]
    app = LogtailApp([registry.resolve(source, settings)], settings)
    async with app.run_test(size=(120, 34)) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if app.store.received >= 300:
                break
        app.flush_now()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        app.save_screenshot(str(OUT / f"{name}.svg"))
    print(f"wrote {OUT / (name + '.svg')}")


async def main() -> None:
    OUT.mkdir(exist_ok=True)
    await shoot("follow", [])
    await shoot("paused", ["pageup", "up", "up"])
    await shoot("search", ["slash", *"timed out", "enter"])
    await shoot("filter", ["f", *"billing|auth"])
    # A JSON record, so the detail shows its fields and pretty JSON.
    await shoot("detail", ["slash", *"upstream refused", "enter", "enter"])
    await shoot("help", ["question_mark"])
    await shoot("timeline", ["T", "pageup", "up"])
    await shoot("fields", ["F", *"duration_ms>1000 or status>=500"])
    await shoot("light", ["slash", *"timed out", "enter"], theme="logtail-light")


if __name__ == "__main__":
    asyncio.run(main())
