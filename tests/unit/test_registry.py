"""SOURCE arguments to specs (sources/registry.py): what labels show."""

from __future__ import annotations

from logtail_tui.sources.registry import resolve


def test_labels_show_control_characters_and_targets_keep_them() -> None:
    spec = resolve("/var/log/a\x1b[2J\tb.log")
    assert spec.target == "/var/log/a\x1b[2J\tb.log"
    assert spec.label == "/var/log/a^[[2J^Ib.log"
    assert resolve("app.log").label == "app.log"
    url = resolve("http://user:pw@host/x\x1b[0m")
    assert "\x1b" not in url.label and "^[" in url.label and "pw" not in url.label
