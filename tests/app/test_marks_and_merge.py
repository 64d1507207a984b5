"""Marks (m, ', ") and merge by time (M, --merge-by-time) in the running app."""

from __future__ import annotations

from pathlib import Path

from support import Feeds, lines, until

from logtail_tui.cli import app_from_argv
from logtail_tui.core.settings import Settings
from logtail_tui.ui.app import LogtailApp


def shown(app: LogtailApp) -> list[str]:
    return [app.store.record(n).text for n in app.view]


def selected(app: LogtailApp) -> str:
    number = app.pane.selected_number()
    assert number is not None
    return app.store.record(number).text


async def test_marks_jump_both_ways_and_survive_filtering() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(100, 20)) as pilot:
        await feeds[0].put(
            lines(*(f"INFO line {i}" if i != 3 else "ERROR line 3" for i in range(10)))
        )
        await until(lambda: app.store.received == 10)
        await pilot.press("up")  # pauses and selects line 8
        await pilot.press("up", "m")  # mark line 7
        await pilot.press("up", "up", "up", "up", "m")  # mark line 3
        await pilot.press("up", "up", "m")  # mark line 1
        assert [app.store.record(n).text for n in app.pane.marks] == [
            "INFO line 1",
            "ERROR line 3",
            "INFO line 7",
        ]
        await pilot.press("g")  # top: line 0
        await pilot.press("apostrophe")
        assert selected(app) == "INFO line 1"
        await pilot.press("apostrophe")
        assert selected(app) == "ERROR line 3"
        await pilot.press("apostrophe")
        assert selected(app) == "INFO line 7"
        await pilot.press("quotation_mark")
        assert selected(app) == "ERROR line 3"
        # Hide line 3 with a level filter: the jumps skip it, and it stays marked.
        await pilot.press("f", "ctrl+u", *"line [17]", "enter")
        await until(lambda: shown(app) == ["INFO line 1", "INFO line 7"])
        await pilot.press("g", "apostrophe")
        assert selected(app) == "INFO line 7"
        await pilot.press("quotation_mark")
        assert selected(app) == "INFO line 1"
        assert len(app.pane.marks) == 3
        # m on a marked line unmarks it.
        await pilot.press("m")
        assert [app.store.record(n).text for n in app.pane.marks] == ["ERROR line 3", "INFO line 7"]


async def test_the_gutter_shows_marks_only_once_there_are_some() -> None:
    feeds = Feeds(1)
    app = LogtailApp(feeds.specs, Settings(), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(60, 10)) as pilot:
        await feeds[0].put(lines("alpha", "beta", "gamma"))
        await until(lambda: app.store.received == 3)
        assert app.pane.render_line(0).text.startswith("alpha")
        await pilot.press("up", "m")  # pausing selects gamma's neighbour beta
        await pilot.pause()
        rows = [app.pane.render_line(y).text for y in range(3)]
        assert rows[0].startswith("  alpha")
        assert rows[1].startswith("▌ beta")
        assert rows[2].startswith("  gamma")
        # Wrapped lines are never cut for a gutter: the marked one is tinted instead.
        await pilot.press("down", "w")  # the cursor leaves beta, whose tint then shows
        await pilot.pause()
        mark = app.pane.get_component_rich_style("log-pane--mark")
        wrapped = [app.pane.render_line(y) for y in range(3)]
        assert [strip.text.rstrip() for strip in wrapped] == ["alpha", "beta", "gamma"]
        assert all(seg.style and seg.style.bgcolor == mark.bgcolor for seg in wrapped[1])
        assert not any(seg.style and seg.style.bgcolor == mark.bgcolor for seg in wrapped[0])


def stamped(seconds: int, text: str) -> str:
    return f"2026-12-01T10:00:{seconds:02d}.000Z INFO {text}"


async def test_m_key_toggles_merging_and_the_status_bar_says_so() -> None:
    feeds = Feeds(2)
    app = LogtailApp(feeds.specs, Settings(reorder_window=0.3), feeds.factory)  # type: ignore[arg-type]
    async with app.run_test(size=(160, 20)) as pilot:
        assert not app.merge.enabled and "merged by time" not in app.status.plain_text()
        await pilot.press("M")
        assert app.merge.enabled
        await until(lambda: "merged by time" in app.status.plain_text())
        # Source 0 sends its later line first; merged, the earlier line of source 1 goes first.
        await feeds[0].put(lines(stamped(5, "api late")))
        await feeds[1].put(lines(stamped(2, "worker early"), "  continuation of early"))
        await until(lambda: app.store.received == 3)
        assert [t.split(" INFO ")[-1] if "INFO" in t else t for t in shown(app)] == [
            "worker early",
            "  continuation of early",
            "api late",
        ]
        assert [app.store.record(n).source for n in app.view] == [1, 1, 0]  # tags stay right
        await pilot.press("M")
        assert not app.merge.enabled
        await until(lambda: "merged by time" not in app.status.plain_text())
        # Off: arrival order again.
        await feeds[0].put(lines(stamped(9, "api nine")))
        await until(lambda: app.store.received == 4)
        await feeds[1].put(lines(stamped(8, "worker eight")))
        await until(lambda: app.store.received == 5)
        assert shown(app)[-2:] == [stamped(9, "api nine"), stamped(8, "worker eight")]


async def test_merge_by_time_orders_the_history_of_real_files(tmp_path: Path) -> None:
    api, worker = tmp_path / "api.log", tmp_path / "worker.log"
    api.write_text("".join(stamped(s, f"api {s}") + "\n" for s in range(0, 40, 2)))
    worker.write_text("".join(stamped(s, f"worker {s}") + "\n" for s in range(1, 40, 2)))
    app = app_from_argv(["--merge-by-time", str(api), str(worker)])
    async with app.run_test(size=(120, 20)):
        await until(lambda: app.store.received == 40, timeout=20)
        got = shown(app)
        assert got == sorted(got) and got[0].endswith("api 0") and got[1].endswith("worker 1")
        assert "merged by time" in app.status.plain_text()
