"""Layering is enforced by a test: core loads no UI or network library, sources' shared
modules load no UI library (design.md §2: cli -> ui -> sources -> core)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import logtail_tui.core

UI = ("textual", "rich", "typer")
NETWORK = ("httpx", "httpx_sse", "websockets", "watchfiles")
SHARED_SOURCES = ("contract", "registry", "hub", "backoff")


def loaded_after_import(modules: list[str]) -> set[str]:
    """Top-level packages in ``sys.modules`` after importing ``modules`` in a fresh process."""
    code = (
        "import importlib, json, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    return set(json.loads(done.stdout))


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.iter_modules(logtail_tui.core.__path__, "logtail_tui.core.")]
    assert {"logtail_tui.core.parse", "logtail_tui.core.store"} <= set(names)
    return ["logtail_tui.core", *names]


def test_core_loads_no_ui_or_network_library() -> None:
    loaded = loaded_after_import(core_modules())
    assert "logtail_tui" in loaded  # the probe really imported something
    assert loaded.isdisjoint(UI + NETWORK), sorted(loaded & set(UI + NETWORK))


def test_shared_source_modules_load_no_ui_library() -> None:
    modules = [f"logtail_tui.sources.{name}" for name in SHARED_SOURCES]
    loaded = loaded_after_import(modules)
    assert "logtail_tui" in loaded
    assert loaded.isdisjoint(UI), sorted(loaded & set(UI))


def test_the_probe_can_see_a_forbidden_import() -> None:
    assert "rich" in loaded_after_import(["rich.text"])
